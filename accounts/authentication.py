"""The API's token authentication: `Authorization: Token <key>`, refused once the token is expired or revoked or
its user disabled. First among the authentication classes, so an unauthenticated call gets 401 with
`WWW-Authenticate: Token`."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.services import api_token_for_key, api_token_touch


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = api_token_for_key(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid, expired or revoked token."))
        api_token_touch(token)
        return token.user, token
