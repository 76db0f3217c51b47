"""Checking a keyset list page in tests: the next page through the page's own 下一页 link (so that
its filters ride along), back through 上一页, and an altered cursor answered with the first page and
a note; rows made in bulk, enough for a second page."""

import html
import re
from urllib.parse import parse_qsl

from gonghui.core import keyset


def clones(row, n: int, **vary) -> list:
    """n copies of a saved row in one INSERT, each field in vary set to its value, or to vary[f](i)
    for the i-th copy when it is callable (what must differ: a unique field, a date to sort by)."""
    model = type(row)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    copies = []
    for i in range(n):
        values = {f.attname: getattr(row, f.attname) for f in fields}
        values.update({k: v(i) if callable(v) else v for k, v in vary.items()})
        copies.append(model(**values))
    return model.objects.bulk_create(copies)


def link(response, rel: str) -> dict | None:
    """The query of the page's 下一页 (rel="next") or 上一页 (rel="prev") link, None without one."""
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', response.content.decode())
    return dict(parse_qsl(html.unescape(found.group(1)))) if found else None


def ids(response) -> list[int]:
    return [row.pk for row in response.context["page"]]


def pages(client, url: str, params: dict | None = None) -> tuple[list[int], list[int]]:
    """The row ids of the first page and of the next one; asserts the way back and the tampered cursor."""
    first = client.get(url, params or {})
    assert first.status_code == 200
    following = link(first, "next")
    assert following is not None and link(first, "prev") is None, "the first page has a next one only"
    for key, value in (params or {}).items():
        assert following.get(key) == str(value), f"the next page keeps ?{key}="
    second = client.get(url, following)
    assert second.status_code == 200 and not second.context["page"].note
    assert ids(second) and not set(ids(first)) & set(ids(second))
    back = client.get(url, link(second, "prev"))
    assert ids(back) == ids(first)
    tampered = client.get(url, following | {"cursor": following["cursor"][:-4] + "AAAA"})
    assert tampered.status_code == 200
    assert tampered.context["page"].note == keyset.STALE and ids(tampered) == ids(first)
    assert str(keyset.STALE) in tampered.content.decode()
    return ids(first), ids(second)
