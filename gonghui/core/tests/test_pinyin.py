"""The cached reading must be exactly the reading pypinyin gives without a cache."""

import random

from pypinyin import lazy_pinyin

from gonghui.core import pinyin
from gonghui.demo.fake import GIVEN, SURNAMES, Faker


def uncached_pinyin(name: str) -> str:
    name = "".join(name.split()).replace("·", "").replace("•", "")
    surname, rest = pinyin._split_surname(name)
    return " ".join(surname + lazy_pinyin(rest, errors="default")).lower()


def names() -> list[str]:
    faker = Faker(seed=7)
    rng = random.Random(7)
    table = list(pinyin.SURNAMES) + list(pinyin.COMPOUND_SURNAMES)
    common = "长重行乐朝都还便单解区曾查仇朴盖调和发"  # characters read differently in phrases
    out = [faker.name() for _i in range(3000)]
    for _i in range(3000):
        surname = rng.choice(table + list(SURNAMES))
        given = "".join(rng.choice(GIVEN + common) for _j in range(rng.randint(1, 3)))
        out.append(surname + given)
    out += [chr(rng.randint(0x4E00, 0x9FA5)) + chr(rng.randint(0x4E00, 0x9FA5)) for _i in range(3000)]
    out += [
        "王子涵",
        "重庆明",
        "朝阳",
        "长江",
        "银行家",
        "还珠格格",
        "买买提·艾力",
        "𠮷野家",
        "𪚥",
        "Anna 李",
        "王 小 明",
        "单于长青",
        "欧阳 重阳",
        "李2号",
    ]
    return out


def test_cached_readings_equal_uncached_ones_on_many_names():
    pinyin._plain_readings.cache_clear()
    for _round in range(2):  # cold, then from the cache
        for name in names():
            assert pinyin.name_pinyin(name) == uncached_pinyin(name), name


def test_surnames_read_as_surnames():
    assert pinyin.name_initials("单田芳") == "stf"
    assert pinyin.name_initials("解放") == "xf"
    assert pinyin.name_pinyin("单单") == pinyin.name_pinyin("单单")  # cached and again
    assert pinyin.name_pinyin("单单").split()[0] == "shan"
