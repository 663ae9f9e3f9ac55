"""The two OIDC clients (ID-porten for citizens, the employee provider) built with Authlib.

Clients are built per settings tuple, so a changed issuer (tests, a new environment) takes effect without a
restart; Authlib keeps each provider's discovery document in its client.
"""

from functools import cache
from typing import Literal

from authlib.integrations.django_client import OAuth
from django.conf import settings

Client = Literal["citizen", "employee"]


def oidc_settings(client: Client) -> dict:
    return settings.IDPORTEN if client == "citizen" else settings.EMPLOYEE_OIDC


def oidc_client(client: Client):
    config = oidc_settings(client)
    return _build(
        client, config["ISSUER"].rstrip("/"), config["CLIENT_ID"], config["CLIENT_SECRET"], config["SCOPE"]
    )


@cache
def _build(client: Client, issuer: str, client_id: str, client_secret: str, scope: str):
    oauth = OAuth()
    return oauth.register(
        name=client,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
            "timeout": settings.OIDC_HTTP_TIMEOUT_SECONDS,
        },
    )
