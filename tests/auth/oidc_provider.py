"""A tiny OpenID Connect provider for tests: discovery, authorization code with PKCE (S256), token, JWKS, userinfo.

It runs in a thread on 127.0.0.1 with its own RSA key, and signs in whoever the test puts in `next_user`.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    """The provider's state: its key, its one client, codes issued and the next user to sign in."""

    def __init__(self, client_id: str = "lms-test", client_secret: str = "provider-secret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.next_user: dict = {}
        self.requests: list[dict] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)

    def _id_token(self, user: dict, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, **user}
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)

    def _build(self) -> Flask:
        app = Flask("test-oidc-provider")
        provider = self

        @app.get("/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return jsonify(issuer=base, authorization_endpoint=f"{base}/authorize", token_endpoint=f"{base}/token",
                           jwks_uri=f"{base}/jwks", userinfo_endpoint=f"{base}/userinfo",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"], code_challenge_methods_supported=["S256"],
                           token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"])

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[provider.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            args = request.args.to_dict()
            provider.requests.append(args)
            if args.get("client_id") != provider.client_id or args.get("response_type") != "code":
                return "bad request", 400
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                return "PKCE required", 400
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {"user": dict(provider.next_user), "nonce": args.get("nonce"),
                                    "challenge": args["code_challenge"], "redirect_uri": args["redirect_uri"]}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/token")
        def token():
            auth = request.authorization
            client_id = auth.username if auth else request.form.get("client_id")
            secret = auth.password if auth else request.form.get("client_secret")
            if (client_id, secret) != (provider.client_id, provider.client_secret):
                return jsonify(error="invalid_client"), 401
            grant = provider.codes.pop(request.form.get("code", ""), None)
            if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
            access = secrets.token_urlsafe(16)
            provider.tokens[access] = grant["user"]
            return jsonify(access_token=access, token_type="Bearer", expires_in=300,
                           id_token=provider._id_token(grant["user"], grant["nonce"]))

        @app.get("/userinfo")
        def userinfo():
            header = request.headers.get("Authorization", "")
            user = provider.tokens.get(header.removeprefix("Bearer "))
            return (jsonify(user), 200) if user else (jsonify(error="invalid_token"), 401)

        return app
