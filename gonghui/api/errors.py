"""Errors as RFC 9457 problem details, with a Chinese message that names the field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

TITLES = {
    400: gettext_lazy("请求有误"),
    401: gettext_lazy("未登录或令牌无效"),
    403: gettext_lazy("无权进行此操作"),
    404: gettext_lazy("未找到"),
    405: gettext_lazy("不支持该请求方法"),
    406: gettext_lazy("不支持请求的格式"),
    415: gettext_lazy("不支持该请求体格式"),
    429: gettext_lazy("请求过于频繁"),
}


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out |= _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(detail, list) and detail and all(isinstance(d, dict | list) for d in detail):
        out = {}
        for index, value in enumerate(detail):
            out |= _flatten(value, f"{prefix}[{index}]")
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(item) for item in items]}


def _labelled(errors: dict[str, list[str]]) -> str:
    return "；".join(
        f"{field}：{message}" if field not in ("non_field_errors", "__all__") else message
        for field, messages in errors.items()
        for message in messages
    )


def problem(status_code: int, detail: str, errors: dict | None = None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("错误"))),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type="application/problem+json")


def problem_details(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        return problem(status.HTTP_400_BAD_REQUEST, _labelled(errors), errors)
    if isinstance(exc, Http404):
        return problem(status.HTTP_404_NOT_FOUND, _("对象不存在或不在您的权限范围内"))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem(response.status_code, _labelled(errors), errors)
    if isinstance(exc, exceptions.Throttled):
        detail = _("请求过于频繁，请%(s)s秒后再试") % {"s": exc.wait or 1}
    else:
        detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    headers = {k: v for k, v in response.headers.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    return problem(response.status_code, detail, headers=headers)


@csrf_exempt  # it changes nothing; a POST to a wrong address is told so, not refused for CSRF
def not_found(request, rest=""):
    """Any other address under /api/: a problem-details 404, not the pages' HTML one."""
    body = {"type": "about:blank", "title": str(TITLES[404]), "status": 404, "detail": _("没有这个接口地址")}
    return JsonResponse(
        body, status=404, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False}
    )
