"""A token endpoint that signs whatever ID token a test asks for, with a key of its own.

A real HTTP server on loopback (not a mock): the console's OIDC_OP_TOKEN_ENDPOINT (and, as a
test chooses, its JWKS and userinfo endpoints) point here to see how it treats a token signed by
another key, an expired one, one for another audience, and so on.
"""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class ForgedTokens:
    """Serves POST /token (the claims set in `claims`, signed with `kid`), GET /jwks, GET /userinfo."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "forged-key"
        self.claims: dict[str, Any] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def id_token(self) -> str:
        now = int(time.time())
        claims = {"iat": now, "exp": now + 300, "auth_time": now, **self.claims}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        forged = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/token":
                    self._json(
                        {"id_token": forged.id_token(), "access_token": "forged", "token_type": "Bearer"}
                    )
                else:
                    self._json({"error": "not_found"}, status=404)

            def do_GET(self) -> None:
                if self.path == "/jwks":
                    self._json(forged.jwks())
                elif self.path == "/userinfo":
                    self._json({k: v for k, v in forged.claims.items() if k not in {"aud", "iss", "nonce"}})
                else:
                    self._json({"error": "not_found"}, status=404)

            def _json(self, body: object, status: int = 200) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def serve_forged_tokens() -> Iterator[ForgedTokens]:
    server = ForgedTokens()
    try:
        yield server
    finally:
        server.stop()
