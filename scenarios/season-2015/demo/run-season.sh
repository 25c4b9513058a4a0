#!/usr/bin/env bash
# 按阶段办理一个年度考核的完整示例（示例数据，非官方安排）：湖北、广东两省六个城市，
# 从城市自评提交、省局初审（退回一个城市、改正后重新提交）、国家局复核（核验佐证材料）、
# 公示（一条匿名异议、一条超期异议不予受理，一条成立的异议退回复核）到定稿与公布名单；
# 名额：每个层级优秀不超过1个，并列时先提交者优先。
#
# 每一步以 SOURCE_DATE_EPOCH 定在示例的日期（北京时间），由 users.yaml 中的账号办理。
# 用法：bash scenarios/season-2015/demo/run-season.sh /tmp/示例归档.sqlite
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cities=$(cd "$here/.." && pwd)
db=${1:?请给出一个新的归档数据库文件，如 /tmp/season-2015.sqlite}
# 未写明办理人的读取（取待核验清单、异议编号）以国家局的账号进行。
export IPSCORE_DB=$db IPSCORE_USERS=$here/users.yaml IPSCORE_USER=国家局
ipscore=${IPSCORE_CMD:-ipscore}

# step 日期时间 办理人 参数…：以该办理人、在该时刻（北京时间）运行 ipscore。
step() {
    local when=$1 who=$2
    shift 2
    echo "── $when $who：ipscore $*"
    SOURCE_DATE_EPOCH=$(date -u -d "$when +0800" +%s) IPSCORE_USER=$who $ipscore "$@"
}

# refused 日期时间 办理人 参数…：这一步应被拒绝（退出码2），拒绝的理由照常打印。
refused() {
    local code=0
    step "$@" || code=$?
    if [ "$code" -ne 2 ]; then
        echo "应被拒绝（退出码2），实际退出码为 $code" >&2
        exit 1
    fi
    echo "   （按规定拒绝）"
}

# 国家局开启年度（年度文件含名额：每个层级优秀不超过1个）。
step "2016-03-01 09:00" 国家局 season open "$cities/2015.season.yaml"

# 城市存档并提交自评；宜昌市比襄阳市早提交，佛山市逾期提交（标记为逾期）。
for pair in 武汉市:wuhan 宜昌市:yichang 襄阳市:xiangyang 深圳市:shenzhen 东莞市:dongguan; do
    city=${pair%%:*} file=${pair##*:}
    case $city in 宜昌市) day=2016-03-20 ;; 襄阳市) day=2016-03-25 ;; *) day=2016-03-28 ;; esac
    step "$day 10:00" "${city}局" archive add "$cities/$file-2015.yaml" --by "${city}局"
    step "$day 10:05" "${city}局" season advance "$city" --year 2015
done
step "2016-04-05 10:00" 佛山市局 archive add "$cities/foshan-2015.yaml" --by 佛山市局
step "2016-04-05 10:05" 佛山市局 season advance 佛山市 --year 2015

# 湖北省局不能办理广东省的城市。
refused "2016-04-06 09:00" 湖北省局 season advance 深圳市 --year 2015
refused "2016-04-06 09:01" 湖北省局 season log 深圳市 --year 2015

# 湖北省局退回武汉市，逐条写明理由；提交后的材料已锁定，退回前不能改存。
step "2016-04-08 15:00" 湖北省局 season return 武汉市 --year 2015 \
    --reason finance.pledge_amount="质押融资额与银行备案不符，请核对（备案为7800万元）" \
    --reason navigation.pilot_zone_tasks_done="导航实验区2015年任务已于年底完成，请如实填报"
step "2016-04-12 10:00" 武汉市局 archive add "$cities/corrected/wuhan-2015.yaml" --by 武汉市局 \
    --reason "按湖北省局退回意见改正"
step "2016-04-12 10:05" 武汉市局 season advance 武汉市 --year 2015
refused "2016-04-13 10:00" 武汉市局 archive add "$cities/wuhan-2015.yaml" --by 武汉市局

# 两省推荐。
for city in 武汉市 宜昌市 襄阳市; do step "2016-04-20 10:00" 湖北省局 season advance $city --year 2015; done
for city in 深圳市 佛山市 东莞市; do step "2016-04-21 10:00" 广东省局 season advance $city --year 2015; done

# 国家局核验佐证材料，复核通过，2016-06-01 起公示5个工作日（至06-07）。
for city in 武汉市 宜昌市 襄阳市 深圳市 佛山市 东莞市; do
    ids=$($ipscore verify --pending "$city" --format json --no-timestamp | python3 -c \
        'import json,sys; print(" ".join(sorted({p["requirement"] for p in json.load(sys.stdin)["pending"]})))')
    if [ -n "$ids" ]; then
        # shellcheck disable=SC2086  # the requirement ids, one word each
        echo "── 2016-05-20 10:00 国家局：ipscore verify $city 2015 …（$(echo $ids | wc -w)项）--ok"
        step "2016-05-20 10:00" 国家局 verify "$city" 2015 $ids --ok --by 国家局 >/dev/null
    fi
    step "2016-05-30 10:00" 国家局 season advance "$city" --year 2015 --notice-start 2016-06-01
done

# 公示期内的异议：匿名的、超期的不予受理（记录在案并引用规则），成立的一条退回复核。
refused "2016-06-02 10:00" 国家局 season object 深圳市 --year 2015 --kind person \
    --text "数据有误" --received 2016-06-02
step "2016-06-03 10:00" 国家局 season object 深圳市 --year 2015 --kind organisation \
    --objector 深圳某知识产权服务机构 --sealed --received 2016-06-03 \
    --text "所报知识产权服务机构数量包含已注销机构"
refused "2016-06-12 10:00" 国家局 season object 佛山市 --year 2015 --kind person \
    --objector 张某 --signed --contact 138-0000-0000 --received 2016-06-12 --text "逾期提出的异议"
objection=$($ipscore season log 深圳市 --year 2015 --format json | python3 -c \
    'import json,sys; print([e["id"] for e in json.load(sys.stdin) if e["action"]=="object"][-1])')
step "2016-06-08 10:00" 国家局 season answer 深圳市 --year 2015 --objection "$objection" --upheld \
    --opinion "经核实异议成立，退回复核"

# 公示期满（06-07）后定稿；深圳市回到复核，不在定稿之列。
for city in 武汉市 宜昌市 襄阳市 佛山市 东莞市; do
    step "2016-06-08 11:00" 国家局 season advance $city --year 2015
done

step "2016-06-08 12:00" 国家局 season status 2015
step "2016-06-08 12:00" 国家局 publish --year 2015 -o "${db%.*}-公布名单.md"
echo "公布名单：${db%.*}-公布名单.md"
