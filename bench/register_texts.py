"""Realistic titles and texts for the register bench: 20,000 distinct petitions of the city's
districts, streets and usual complaints, with the bigrams the search index stores for each.

``register_build`` joins every generated case to one of them, so the search is measured over
text as varied as a real office's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from petitions.search import bigrams
from schedules.models import District

TEXTS = 20_000

STREETS = {
    District.SHUANGTA: ["凌河街道", "龙山街道", "北塔街道", "南塔街道", "站南街道", "光明街道"],
    District.LONGCHENG: ["新华街道", "马山街道", "半拉山街道", "七道泉子镇", "边杖子镇"],
    District.BEIPIAO: ["城关街道", "南山街道", "台吉镇", "宝国老镇", "大板镇"],
    District.LINGYUAN: ["城关街道", "热水汤街道", "宋杖子镇", "四官营子镇"],
    District.CHAOYANG_COUNTY: ["柳城街道", "木头城子镇", "二十家子镇", "羊山镇"],
    District.JIANPING: ["叶柏寿街道", "万寿街道", "朱碌科镇", "黑水镇"],
    District.KAZUO: ["大城子街道", "南哨街道", "公营子镇", "平房子镇"],
}
PLACES = [
    "友谊小区",
    "幸福家园",
    "阳光花园",
    "锦绣华庭",
    "凤凰新城",
    "滨河佳苑",
    "光明里",
    "铁路宿舍",
    "新华小区",
    "燕都名苑",
    "东方明珠小区",
    "大凌河畔",
    "第三中学",
    "人民医院",
    "农贸市场",
    "村委会",
]
# (title, description, category, classification)
PROBLEMS = [
    (
        "工地夜间施工噪音扰民",
        "附近建筑工地每天夜里十点以后仍在施工，打桩机和搅拌机噪音很大",
        "1",
        "claim",
    ),
    ("KTV噪音扰民", "楼下KTV营业到凌晨两三点，音响噪音和顾客喧哗声不断", "1", "claim"),
    ("工厂机器噪音", "附近工厂的机器昼夜运转，噪音震动明显", "1", "claim"),
    ("商铺高音喇叭噪音", "沿街商铺用高音喇叭循环播放促销广告，噪音刺耳", "1", "claim"),
    ("广场舞音响噪音", "广场舞音响声音过大，每天早晚两次，噪音扰民", "1", "suggestion"),
    ("化工厂排放刺鼻异味", "化工厂经常在夜间排放刺鼻异味气体，有时还有黄色烟雾", "1", "claim"),
    ("垃圾中转站异味", "垃圾中转站垃圾清运不及时，夏天异味很重，蚊蝇滋生", "1", "claim"),
    ("养殖场恶臭异味", "村边养殖场粪污随意堆放，恶臭异味飘进村里", "1", "claim"),
    ("污水处理厂异味", "污水处理厂散发异味，周边居民不敢开窗", "1", "claim"),
    ("建筑工地扬尘污染", "工地土方裸露未苫盖，运输车辆不冲洗，扬尘严重", "1", "claim"),
    ("砂石料场扬尘", "砂石料场露天作业，大风天扬尘漫天", "1", "claim"),
    ("企业偷排污水", "企业夜间通过暗管向河道偷排污水，河水发黑发臭", "1", "accusation"),
    ("生活污水直排河道", "小区生活污水直接排入河道，河边臭气熏天", "1", "claim"),
    ("养殖场污水外溢", "养殖场污水外溢流入农田，庄稼被污染", "1", "claim"),
    ("餐馆油烟扰民", "一楼餐馆油烟未经净化直排，油烟顺着窗户进入居民家中", "1", "claim"),
    ("烧烤摊油烟污染", "夜市烧烤摊油烟和噪音一直持续到后半夜", "1", "claim"),
    ("露天垃圾焚烧", "有人在空地上露天焚烧垃圾和废旧轮胎，浓烟呛人", "1", "claim"),
    ("垃圾焚烧厂排放黑烟", "垃圾焚烧厂烟囱时常冒黑烟，周边有异味", "1", "claim"),
    ("锅炉房冒黑烟", "供暖锅炉房烟囱冒黑烟，落灰严重", "1", "claim"),
    ("水泥厂粉尘污染", "水泥厂粉尘无组织排放，周边房顶和车辆上落满灰尘", "1", "claim"),
    ("选矿厂尾矿污染", "选矿厂尾矿随意堆放，下雨后污水流进河道", "1", "claim"),
    ("危险废物非法堆放", "厂区外空地堆放大量废油桶和化工废料，无任何防护", "1", "accusation"),
    ("基站辐射担忧", "小区楼顶新装通信基站，居民担心电磁辐射影响健康", "4", "claim"),
    ("非法采砂破坏河道", "有人在河道内非法采砂，河床被挖得坑坑洼洼", "4", "accusation"),
    ("多次反映噪音问题未解决", "此前已多次反映附近噪音问题，至今没有得到有效解决", "2", "claim"),
    ("多次反映异味问题未解决", "去年反映过的异味问题今年又出现，而且更加严重", "2", "claim"),
    (
        "关于加强大凌河水质保护的建议",
        "建议在大凌河沿岸增设水质自动监测站并定期公开数据",
        "3",
        "suggestion",
    ),
    ("建议增设空气质量监测点", "建议在县城北部工业区增设空气质量监测点", "3", "suggestion"),
    ("举报执法人员不作为", "多次向执法人员反映企业违法排污，执法人员敷衍了事", "4", "accusation"),
    ("汽修厂喷漆异味", "汽修厂露天喷漆作业，油漆异味刺鼻", "1", "claim"),
]
SOURCES = [
    "",
    "化工厂",
    "养殖场",
    "水泥厂",
    "砖厂",
    "洗煤厂",
    "饭店",
    "建筑工地",
    "搅拌站",
    "汽修厂",
    "加工厂",
]
TIMES = ["近一个月来", "今年入夏以来", "自去年冬天起", "每天夜间", "每逢周末", "连续数日", "近半年"]
IMPACTS = [
    "严重影响周边居民正常生活",
    "居民无法开窗通风",
    "家中老人孩子出现咳嗽头痛等症状",
    "影响附近学校正常上课",
    "农作物受到损害",
    "居民晚上无法入睡",
]
HISTORY = ["", "曾多次拨打12345热线反映。", "已向属地分局反映未果。", "此前已反映过两次。"]
DEMANDS = [
    "请求有关部门尽快查处",
    "要求责令其停产整改",
    "希望加强监管并给予答复",
    "请求依法关停",
    "请求上门调查核实",
]
SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
)
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "丽华", "文博", "国庆", "玉梅", "春生", "晓东"]
GIVEN += ["淑珍", "宝山", "凤英", "明", "军", "伟", "静", "敏", "磊", "洋", "艳", "勇", "杰"]


def generate_texts(rng: random.Random) -> Iterator[tuple]:
    """Distinct (district, location, title, content, category, classification, bigrams)."""
    seen: set[str] = set()
    districts = list(STREETS)
    while len(seen) < TEXTS:
        district = rng.choice(districts)
        street = rng.choice(STREETS[district])
        place = rng.choice(PLACES)
        title, description, category, classification = rng.choice(PROBLEMS)
        has_source = any(noun in title for noun in "厂地站场店馆摊房")
        source = rng.choice(SOURCES) if category == "1" and not has_source else ""
        full_title = f"{street}{place}附近{source}{title}"[:100]
        content = (
            f"本人系{District(district).label}{street}{place}居民。{rng.choice(TIMES)}，"
            f"{source}{description}，{rng.choice(IMPACTS)}。{rng.choice(HISTORY)}"
            f"{rng.choice(DEMANDS)}。"
        )
        if rng.random() < 0.6:
            content += (
                f"{rng.choice(HISTORY) or '希望尽快解决。'}问题主要集中在{rng.choice(TIMES)}，"
                f"周边约{rng.randint(2, 40) * 10}户居民都有同感，大家联名反映。"
            )
        if rng.random() < 0.5:
            metres = rng.randint(50, 900)
            content += f"具体位置在{street}{place}东侧约{metres}米处，{rng.choice(TIMES)}尤为明显。"
        key = full_title + content
        if key in seen:
            continue
        seen.add(key)
        location = f"{street}{place}"
        yield (
            district,
            location,
            full_title,
            content,
            category,
            classification,
            bigrams(f"{full_title}\n{content}"),
        )
