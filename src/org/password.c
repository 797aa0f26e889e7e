/* password.c — staff password rules (RULE password-staff, see password.h). */
#include "common.h"

#include "org/password.h"
#include "util/utf8.h"

/* Lower-case; compared case-insensitively. The usual top entries of leaked
 * lists that are 10+ characters long, and local favourites. */
static const char *const common_passwords[] = {
    "1234567890", "12345678910", "123456789a", "a123456789",
    "1q2w3e4r5t", "1qaz2wsx3edc", "1qaz@wsx3edc", "qwertyuiop",
    "qwerty12345", "qwerty123456", "password12", "password123",
    "password1234", "password@123", "password!123", "p@ssw0rd123",
    "p@ssword123", "passw0rd123", "abc123456789", "abcd123456",
    "abcd@123456", "abc@123456", "admin12345", "admin123456",
    "admin@12345", "admin@123456", "administrator", "iloveyou123",
    "woaini1314", "woaini520", "5201314520", "zxcvbnm123",
    "asdfghjkl123", "11111111111", "0000000000", "1111111111",
    "8888888888", "a1b2c3d4e5", "letmein123", "welcome123",
    "welcome@123", "changeme123", "hotline12345", "hotline@12345",
    "jinzhou12345", "jinzhou@12345", "12345hotline", "zwfw12345",
};

static int
contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle), h = strlen(hay);

    if (n == 0 || n > h)
        return 0;
    for (size_t i = 0; i + n <= h; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

int
password_check(const char *pw, const char *username, const char *field,
               struct err *e)
{
    size_t len = strlen(pw);
    int lower = 0, upper = 0, digit = 0, other = 0;

    if (len > PASSWORD_MAX_BYTES)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: at most %d bytes", field, PASSWORD_MAX_BYTES);
    if (!utf8_valid(pw, len))
        return err_set(e, ERR_VALIDATION, field, "%s: not valid UTF-8",
                       field);
    if (utf8_chars(pw, len) < PASSWORD_MIN_CHARS)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: at least %d characters", field,
                       PASSWORD_MIN_CHARS);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pw[i];

        if (c >= 'a' && c <= 'z')
            lower = 1;
        else if (c >= 'A' && c <= 'Z')
            upper = 1;
        else if (c >= '0' && c <= '9')
            digit = 1;
        else
            other = 1;
    }
    if (lower + upper + digit + other < 3)
        return err_set(e, ERR_VALIDATION, field,
                       "%s: needs at least 3 of lower-case letters, "
                       "upper-case letters, digits and other characters",
                       field);
    if (username && strlen(username) >= 3 && contains_ci(pw, username))
        return err_set(e, ERR_VALIDATION, field,
                       "%s: must not contain the username", field);
    for (size_t i = 0; i < ARRAY_SIZE(common_passwords); i++)
        if (strcasecmp(pw, common_passwords[i]) == 0)
            return err_set(e, ERR_VALIDATION, field,
                           "%s: too common; choose another", field);
    return 0;
}
