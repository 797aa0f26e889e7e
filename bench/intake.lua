-- POST /api/v1/cases: durable intake of a telephone case, as the 话务员 (agent) desk sends it,
-- with an Idempotency-Key as the web app sends (BENCH_IDEMPOTENCY=0 leaves it out).
-- Every request is different: caller phone, name, type, category, district, address and the
-- wording of the complaint, so no cache or index sees the same row twice.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/lib.lua")

local use_idem = (os.getenv("BENCH_IDEMPOTENCY") or "1") ~= "0"
local n = 0
local run_tag

-- {type, category_code, title, content with %s for the place}
local matters = {
    { "complain", "0701", "小区夜间施工噪音扰民",
      "来电人反映%s附近工地每天夜间十点以后仍在施工，打桩和渣土车噪音很大，老人孩子无法休息，已向物业反映无果，要求相关部门核实并依法处理夜间施工问题。" },
    { "help", "0201", "室温不达标",
      "来电人反映%s家中供热以来室温一直只有十四五度，暖气片上热下凉，已联系供热站两次未上门，家中有八十岁老人，请求尽快安排人员入户测温并维修。" },
    { "complain", "0301", "小区突然停水无通知",
      "来电人反映%s从今天早上六点开始停水，事先没有任何通知，小区内有多户老人和婴儿，生活受到严重影响，请求供水部门说明停水原因并尽快恢复供水。" },
    { "report", "0801", "路边摊点食品卫生问题",
      "来电人反映%s路口早市有多个摊点售卖散装熟食，无防蝇设施，操作人员未戴口罩手套，担心食品安全，请求市场监管部门检查处理。" },
    { "consult", "0902", "灵活就业人员社保缴费咨询",
      "来电人咨询本人为灵活就业人员，户籍在%s，想了解城镇职工养老保险的缴费基数、缴费档次和线上缴费渠道，以及中断缴费后如何补缴。" },
    { "suggest", "0601", "建议增加早高峰公交班次",
      "来电人建议%s附近公交线路早高峰时段班次太少，站台候车人员拥挤，经常二十分钟等不到车，建议公交公司在七点至八点半之间加密班次。" },
    { "complain", "0102", "物业不作为垃圾清运不及时",
      "来电人反映%s小区物业公司收取物业费后不履行职责，楼道垃圾三四天无人清运，电梯经常故障，多次投诉物业不予理会，请求住建部门督促整改。" },
    { "help", "0603", "道路井盖缺失存在安全隐患",
      "来电人反映%s人行道上有一处井盖缺失，仅用树枝遮挡，夜间照明不足，已有行人险些跌倒，请求有关部门尽快补装井盖并设置警示标志。" },
    { "complain", "0901", "工地拖欠农民工工资",
      "来电人反映本人在%s某建筑工地务工，包工头拖欠本人及工友共十二人三个月工资约十八万元，多次讨要未果，请求劳动监察部门帮助追讨。" },
    { "report", "0702", "企业夜间排放刺鼻气体",
      "来电人反映%s附近一家企业夜间排放刺鼻气体，周边居民开窗即可闻到异味，怀疑偷排废气，请求生态环境部门夜间突击检查。" },
}
local places = {
    { "210702", "古塔区北京路" }, { "210702", "古塔区中央大街" }, { "210703", "凌河区解放路" },
    { "210703", "凌河区云飞街道榴花路" }, { "210711", "太和区汤河子" }, { "210711", "太和区女儿河路" },
    { "210726", "黑山县黑山镇" }, { "210727", "义县义州镇" }, { "210781", "凌海市大凌河街道" },
    { "210782", "北镇市广宁街道" }, { "2107F1", "松山新区松山大街" }, { "2107F2", "滨海新区渤海大道" },
}
local surnames = { "张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱" }
local titles = { "先生", "女士" }
local prefixes = { "138", "139", "135", "150", "151", "158", "186", "187", "177", "199" }
local urgencies = { "normal", "normal", "normal", "normal", "normal", "normal", "urgent" }

local function pick(t) return t[math.random(1, #t)] end

function init(args)
    math.randomseed(os.time() * 1000 + (tid or 0))
    run_tag = string.format("%x%x", os.time(), math.random(0, 0xfffff))
end

function request()
    n = n + 1
    bench.count_sent()
    local m, p = pick(matters), pick(places)
    local addr = string.format("%s%d号%d单元", p[2], math.random(1, 399), math.random(1, 8))
    -- unique per thread and request: 3-digit prefix + thread (1 digit) + 7-digit counter
    local phone = string.format("%s%d%07d", pick(prefixes), (tid or 0) % 10, n % 10000000)
    local body = string.format(
        '{"channel":"phone","type":"%s","urgency":"%s","title":"%s","content":"%s（第%d次来电）",' ..
        '"category_code":"%s","district_code":"%s","address":"%s",' ..
        '"lat":%.5f,"lng":%.5f,' ..
        '"citizen":{"name":"%s%s","phone":"%s","anonymous":false,"confidential":%s}}',
        m[1], pick(urgencies), m[3], string.format(m[4], addr), math.random(1, 3),
        m[2], p[1], addr,
        41.0 + math.random() * 0.3, 121.0 + math.random() * 0.3,
        pick(surnames), pick(titles), phone, (math.random(1, 20) == 1) and "true" or "false")
    local headers = bench.auth_headers({ ["Content-Type"] = "application/json",
                                         ["Accept"] = "application/json" })
    if use_idem then
        headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_tag, tid or 0, n)
    end
    return wrk.format("POST", "/api/v1/cases", headers, body)
end
