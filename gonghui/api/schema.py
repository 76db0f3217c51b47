"""The problem-details error responses, declared once for every operation of the schema."""

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "中文说明，指出字段和原因"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "字段 → 错误信息",
        },
    },
}
ERRORS = {
    "400": "请求有误（字段错误、请求体不是JSON等）",
    "401": "未登录，或令牌无效、过期、已吊销",
    "404": "对象不存在或不在权限范围内",
    "405": "不支持该请求方法",
    "415": "请求体格式不是 application/json",
    "429": "请求过于频繁（见 Retry-After）",
}


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for code, description in ERRORS.items():
                operation["responses"].setdefault(code, {"description": description, "content": reference})
    return result
