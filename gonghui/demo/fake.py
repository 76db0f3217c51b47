"""Fictional people and firms for the demo and the tests: generated names, ID numbers and phones.

Every value is made up from a seeded generator; none is taken from the feature or any real record.
"""

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

from gonghui.core.validators import region_possible

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解区"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌辉鹏宇浩然子涵欣怡梓轩雨萱俊杰嘉怡博文"
    "思远晨曦雅琴海燕晓东春梅永红立新国庆卫东建华小龙婷婷佳琪宏伟"
)
ENTERPRISE_WORDS = (
    "锂电",
    "新能源",
    "电池材料",
    "储能科技",
    "电子",
    "精密制造",
    "智能装备",
    "光电",
    "新材料",
    "机电",
    "汽车零部件",
    "医药",
    "电气",
    "锂业",
    "能源科技",
    "动力电池",
)
ENTERPRISE_PREFIXES = (
    "明月",
    "赣西",
    "秀江",
    "袁山",
    "春台",
    "锦峰",
    "翠湖",
    "云谷",
    "宏远",
    "瑞丰",
    "恒通",
    "华启",
    "长青",
    "鼎盛",
    "新航",
    "卓越",
    "天成",
    "金源",
    "嘉诚",
    "同心",
)
INDUSTRIES = ("锂电新能源", "电子信息", "装备制造", "生物医药", "新材料", "现代服务")
# Region codes by the birth years they can stand for (the district list changed in 2000; every code
# here existed until then, so the validator accepts it for any birth year up to 2000).
REGIONS_BEFORE_2000 = ("362201", "362202", "362226", "360100")  # not 362222: abolished in 1993
REGIONS_FROM_2000 = ("360902", "360921", "360922", "360923", "360981", "360983")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
OCCUPATIONS = ("电芯装配工", "叉车司机", "电工", "质检员", "设备维修工", "化学检验员", "PLC编程员", "仓管员")
SKILL_LEVELS = ("", "初级工", "中级工", "高级工", "技师", "高级技师")


class Faker:
    def __init__(self, seed: int = 2024):
        self.random = random.Random(seed)
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._codes: set[str] = set()

    def name(self) -> str:
        given = self.random.choice(GIVEN) + (self.random.choice(GIVEN) if self.random.random() < 0.7 else "")
        return self.random.choice(SURNAMES) + given

    def birth_date(self, first_year: int = 1966, last_year: int = 2004) -> date:
        start = date(first_year, 1, 1)
        return start + timedelta(days=self.random.randrange((date(last_year, 12, 31) - start).days))

    def resident_id(self, born: date | None = None, gender: str | None = None) -> str:
        while True:
            born = born or self.birth_date()
            region = self.random.choice(REGIONS_FROM_2000 if born.year >= 2000 else REGIONS_BEFORE_2000)
            if not region_possible(region, born.year):
                continue
            sequence = self.random.randrange(10, 100) * 10 + self.random.randrange(10)
            if gender is not None and (sequence % 2 == 1) != (gender == "M"):
                sequence = sequence - 1 if sequence % 10 else sequence + 1
            body = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            # The region table has codes that stand only for some birth years (362202 from 1988,
            # 362222 until 1993): keep only numbers the validator accepts.
            if number not in self._ids and ric.is_valid(number):
                self._ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = (
                f"1{self.random.choice('3578')}{self.random.randrange(10)}{self.random.randrange(10**8):08d}"
            )
            if number not in self._phones:
                self._phones.add(number)
                return number

    def credit_code(self) -> str:
        while True:
            body = "91360900" + "".join(self.random.choice(USCC_ALPHABET) for _ in range(9))
            code = body + uscc.calc_check_digit(body)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def enterprise_name(self, index: int) -> str:
        prefix = ENTERPRISE_PREFIXES[index % len(ENTERPRISE_PREFIXES)]
        word = ENTERPRISE_WORDS[(index // len(ENTERPRISE_PREFIXES)) % len(ENTERPRISE_WORDS)]
        suffix = "" if index < len(ENTERPRISE_PREFIXES) * len(ENTERPRISE_WORDS) else str(index)
        return f"{prefix}{word}{suffix}有限公司"

    def date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.random.randrange((end - start).days + 1))
