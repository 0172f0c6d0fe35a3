"""The demo's fictitious petitioners, and the full names of the demo sign-ins.

The petitioners' resident ID numbers are built with a valid check character
(``identity.id_check_character``) and the phone numbers are valid mobile numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from petitions.identity import id_check_character

# --- Petitioners ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Petitioner:
    """A fictitious petitioner; the ID number is area code + birth date + order + check."""

    name: str
    area: str  # GB/T 2260 code of the county: 211302 双塔区, 211303 龙城区...
    born: str  # YYYYMMDD
    order: str  # three digits; the last is odd for a man, even for a woman
    phone: str
    address: str

    @property
    def id_number(self) -> str:
        first17 = self.area + self.born + self.order
        return first17 + id_check_character(first17)


LIU_GUIFANG = Petitioner(
    "刘桂芳", "211302", "19650314", "042", "13842101736", "辽宁省朝阳市双塔区新华路二段16号楼3单元"
)
ZHANG_GUODONG = Petitioner(
    "张国栋", "211302", "19580722", "153", "13842108254", "辽宁省朝阳市双塔区凌河街道燕北小区7号楼"
)
CHEN_SHUHUA = Petitioner(
    "陈淑华",
    "211302",
    "19720905",
    "028",
    "13804217390",
    "辽宁省朝阳市双塔区北大街街道龙泉小区5号楼",
)
LI_HAITAO = Petitioner(
    "李海涛", "211302", "19880117", "215", "13842139027", "辽宁省朝阳市双塔区朝阳大街三段21号楼"
)
WANG_XIULAN = Petitioner(
    "王秀兰", "211302", "19610630", "064", "13898246513", "辽宁省朝阳市双塔区站前街道南环小区2号楼"
)
ZHAO_LIJUN = Petitioner(
    "赵立军", "211303", "19700208", "071", "13842185462", "辽宁省朝阳市龙城区七道泉子镇东村三组"
)
ZHOU_BAOLIN = Petitioner(
    "周宝林", "211321", "19630419", "037", "13841297608", "辽宁省朝阳市朝阳县大平房镇南沟村"
)
MA_JIANXIN = Petitioner(
    "马建新", "211381", "19790826", "093", "13842163971", "辽宁省北票市台吉镇河南村"
)
WU_XIAOMEI = Petitioner(
    "吴晓梅", "211382", "19900512", "046", "13804213658", "辽宁省凌源市城关街道东郊村"
)
ZHENG_YUSHAN = Petitioner(
    "郑玉山", "211322", "19550301", "119", "13842172845", "辽宁省朝阳市建平县叶柏寿街道北环小区"
)
GAO_WENBO = Petitioner(
    "高文博", "211324", "19951120", "057", "13898264170", "辽宁省朝阳市喀左县大城子街道利州小区"
)
SUN_YAN = Petitioner(
    "孙艳", "211302", "19830915", "062", "13842157306", "辽宁省朝阳市双塔区红旗街道汽配城小区"
)
HAN_DEFU = Petitioner(
    "韩德福", "211302", "19570402", "111", "13898217465", "辽宁省朝阳市双塔区龙山街道天秀小区"
)
LIU_SHUQIN = Petitioner(
    "刘淑琴", "211302", "19680723", "084", "13804219537", "辽宁省朝阳市双塔区珠江路街道书香园"
)
QIAN_GUOQIANG = Petitioner(
    "钱国强", "211303", "19750610", "139", "13842196250", "辽宁省朝阳市龙城区大平房镇黄花滩村"
)

# The demo sign-ins' full names (family name, given name): logs name people, not user names.
DEMO_NAMES = {
    "clerk": ("王", "贤熙"),
    "handler": ("李", "建军"),
    "admin": ("张", "敏"),
    "leader": ("厚", "春华"),
}
