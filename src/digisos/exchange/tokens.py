"""Machine authentication for case systems: a signed JWT grant exchanged for a short-lived access token.

The pattern is Maskinporten's (RFC 7523 JWT bearer grant): the case system signs an assertion with its own
private key (iss = its client id, aud = our token endpoint, a fresh jti, at most two minutes of life, the
scopes it asks for); we verify it with the public key the municipality registered and answer with an access
token that carries the client, its municipality and the granted scopes. JOSE is joserfc, the library Authlib
builds on.
"""

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OctKey, RSAKey

from .models import ApiClient, UsedAssertion

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]
MAX_ASSERTION_SECONDS = 120


class GrantRefused(Exception):
    """An OAuth error: `error` is the RFC 6749 code, `description` the plain-language reason."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Grant:
    client_id: str
    kommunenummer: str
    scopes: frozenset[str]
    user_id: int


def issue_access_token(
    *, grant_type: str, assertion: str, now: float | None = None
) -> tuple[str, Grant, int]:
    now = time.time() if now is None else now
    if grant_type != GRANT_TYPE:
        raise GrantRefused("unsupported_grant_type", f"grant_type må være {GRANT_TYPE}.")
    issuer = _unverified_issuer(assertion)
    client = ApiClient.objects.filter(client_id=issuer, active=True).first()
    if client is None:
        raise GrantRefused("invalid_client", "Ukjent eller deaktivert klient (iss).")
    try:
        key = _public_key(client.public_key_pem)
        token = jwt.decode(assertion, key, algorithms=ASSERTION_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            now=int(now),
            leeway=10,
            iss={"essential": True, "value": client.client_id},
            aud={"essential": True, "value": settings.EXCHANGE["AUDIENCE"]},
            exp={"essential": True},
            iat={"essential": True},
            jti={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise GrantRefused("invalid_grant", f"Assertion ble ikke godtatt: {error}.") from None
    claims = token.claims
    if int(claims["exp"]) - int(claims["iat"]) > MAX_ASSERTION_SECONDS:
        raise GrantRefused("invalid_grant", f"Assertion kan leve høyst {MAX_ASSERTION_SECONDS} sekunder.")
    requested = set(str(claims.get("scope", "")).split())
    allowed = set(client.scopes.split())
    if not requested or not requested <= allowed:
        raise GrantRefused("invalid_scope", f"Klienten kan få disse scopes: {' '.join(sorted(allowed))}.")
    _spend_jti(client.client_id, str(claims["jti"]), int(claims["exp"]))
    grant = Grant(client.client_id, client.municipality_id, frozenset(requested), client.user_id)
    lifetime = settings.EXCHANGE["ACCESS_TOKEN_SECONDS"]
    access = jwt.encode(
        {"alg": "HS256"},
        {
            "iss": "digisos-exchange",
            "sub": grant.client_id,
            "kommunenummer": grant.kommunenummer,
            "scope": " ".join(sorted(grant.scopes)),
            "uid": grant.user_id,
            "iat": int(now),
            "exp": int(now) + lifetime,
        },
        _signing_key(),
    )
    return access, grant, lifetime


# What every access token must carry; "now" is read at each validation.
_ACCESS_CLAIMS = jwt.JWTClaimsRegistry(
    iss={"essential": True, "value": "digisos-exchange"}, exp={"essential": True}
)


def grant_of_access_token(token: str) -> Grant | None:
    try:
        decoded = jwt.decode(token, _signing_key(), algorithms=["HS256"])
        _ACCESS_CLAIMS.validate(decoded.claims)
    except (JoseError, ValueError):
        return None
    claims = decoded.claims
    return Grant(
        claims["sub"], claims["kommunenummer"], frozenset(claims["scope"].split()), int(claims["uid"])
    )


def system_username(client_id: str) -> str:
    """The username of a case system's service user (it acts as this user in audit entries)."""
    return f"fagsystem-{client_id}"[:150]


def _unverified_issuer(assertion: str) -> str:
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(claims["iss"])
    except (IndexError, ValueError, KeyError, TypeError):
        raise GrantRefused("invalid_grant", "assertion må være en signert JWT med iss.") from None


def _public_key(pem: str) -> RSAKey | ECKey:
    try:
        return RSAKey.import_key(pem)
    except (JoseError, ValueError):
        return ECKey.import_key(pem)


def _spend_jti(client_id: str, jti: str, exp: int) -> None:
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                key=hashlib.sha256(f"{client_id}\n{jti}".encode()).hexdigest(),
                expires_at=datetime.fromtimestamp(exp + 60, tz=UTC),
            )
    except IntegrityError:
        raise GrantRefused("invalid_grant", "Denne assertion (jti) er brukt før.") from None


def _signing_key() -> OctKey:
    return _signing_key_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _signing_key_for(secret_key: str) -> OctKey:
    """Derived once per secret (every API call checks its token with it), not per call."""
    secret = hashlib.sha256(f"digisos-exchange-access\n{secret_key}".encode()).digest()
    return OctKey.import_key(secret)
