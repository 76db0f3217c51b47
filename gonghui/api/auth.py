from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from gonghui.api.models import ApiToken
from gonghui.api.services import token_hash


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: the token's user, while the token is neither expired nor
    revoked and the account is active."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Bearer <令牌>"))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效")) from None
        token = ApiToken.objects.select_related("user__organisation").filter(key_hash=token_hash(raw)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效"))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("令牌已吊销"))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("令牌已过期"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌所属账号已停用"))
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
