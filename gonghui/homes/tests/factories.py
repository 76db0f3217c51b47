import struct
import zlib
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.homes import services
from gonghui.homes.models import Event, WorkerHome


def _png(width: int, height: int, rgb=(200, 16, 46)) -> bytes:
    """A real PNG of one colour (browsers show it; the upload check reads its signature)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png(40, 30)


def png(name="活动室.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def make_home(union, *, by, **kwargs) -> WorkerHome:
    return services.home_create(
        union=union,
        name=kwargs.pop("name", f"{union.name}职工之家"),
        address=kwargs.pop("address", "明月大道1号"),
        opened_on=kwargs.pop("opened_on", date(2022, 5, 1)),
        by=by,
        **kwargs,
    )


def make_event(organiser, *, by, starts_in=timedelta(hours=2), capacity=10, **kwargs) -> Event:
    """An event whose registration is open now and whose doors open for check-in now (it starts soon)."""
    now = timezone.now()
    starts_at = kwargs.pop("starts_at", now + starts_in)
    return services.event_create(
        organiser=organiser,
        kind=kwargs.pop("kind", Event.Kind.PERFORMANCE),
        title=kwargs.pop("title", "青年职工音乐会"),
        place=kwargs.pop("place", "职工文化中心"),
        starts_at=starts_at,
        ends_at=kwargs.pop("ends_at", starts_at + timedelta(hours=2)),
        registration_opens_at=kwargs.pop("registration_opens_at", now - timedelta(days=7)),
        registration_closes_at=kwargs.pop("registration_closes_at", min(starts_at, now + timedelta(hours=1))),
        capacity=capacity,
        by=by,
        **kwargs,
    )
