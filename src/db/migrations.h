/* migrations.h — the numbered migrations, embedded from src/db/migrations/. */
#ifndef HOTLINE_MIGRATIONS_H
#define HOTLINE_MIGRATIONS_H

struct migration {
    int number;
    const char *name;
    const char *sql; /* @ID@ is replaced by the driver's id column type */
};

extern const struct migration db_migrations[];
extern const int db_nmigrations;

#endif
