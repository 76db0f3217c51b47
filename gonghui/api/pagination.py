from base64 import b64decode
from urllib.parse import parse_qs, urlparse

from django.core import signing
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor as Position
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class Cursor(CursorPagination):
    """Cursor pagination on every list: stable under inserts, as fast on the thousandth page as on the
    first. Cursors are signed, so one that was altered or made up is refused (400) instead of being
    read as some other page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
    signer = signing.Signer(salt="gonghui.api.cursor")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and (not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size):
            raise ValidationError(
                {"page_size": [_("每页条数须为1到%(max)s之间的整数") % {"max": self.max_page_size}]}
            )
        return super().get_page_size(request)

    def encode_cursor(self, cursor):
        url = super().encode_cursor(cursor)
        value = parse_qs(urlparse(url).query)[self.cursor_query_param][0]
        return replace_query_param(url, self.cursor_query_param, self.signer.sign(value))

    def decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            tokens = parse_qs(b64decode(self.signer.unsign(raw)).decode("ascii"), keep_blank_values=True)
            offset = max(0, min(int(tokens.get("o", ["0"])[0]), self.offset_cutoff))
            reverse = bool(int(tokens.get("r", ["0"])[0]))
        except (signing.BadSignature, ValueError, UnicodeDecodeError):
            raise ValidationError({"cursor": [_("分页游标无效或已被改动，请从第一页重新开始")]}) from None
        return Position(offset=offset, reverse=reverse, position=tokens.get("p", [None])[0])

    def paginate_keyset(self, request, read) -> list:
        """A page read by read(cursor, size) → gonghui.core.keyset.KeysetPage, for a list whose
        order is not one field (the member list: by people first, in pinyin order). Its cursors
        are signed too; one that was altered or outlived its list is refused like any other."""
        self.request = request
        self.page = read(request.query_params.get(self.cursor_query_param), self.get_page_size(request))
        if self.page.note:
            raise ValidationError({"cursor": [_("分页游标无效或已被改动，请从第一页重新开始")]})
        return self.page.rows

    def get_paginated_response(self, data):
        if not hasattr(self.page, "next_cursor"):
            return super().get_paginated_response(data)
        url = self.request.build_absolute_uri()

        def link(cursor):
            return None if cursor is None else replace_query_param(url, self.cursor_query_param, cursor)

        return Response(
            {
                "next": link(self.page.next_cursor),
                "previous": link(self.page.previous_cursor),
                "results": data,
            }
        )

    @classmethod
    def ordered_by(cls, *ordering: str) -> type["Cursor"]:
        """The same cursor over another order, whose first field an index leads with (the position
        is that field's value; rows sharing it are stepped over by the cursor's offset)."""
        return type(f"CursorBy{ordering[0].title()}", (cls,), {"ordering": ordering})

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }
