#!/usr/bin/env python3
"""Verify Portcullis-signed requests (RFC 9421 hmac-sha256 + RFC 9530 Content-Digest).

Standard library only: copy this file into a backend service. The profile it
implements is packages/signing/PROFILE.md; every vector in
packages/signing/vectors/*.json passes.

    python3 verify.py vectors ../../packages/signing/vectors      # run the vectors
    python3 verify.py serve --audience users --key ID=BASE64SECRET  # demo server on 127.0.0.1
"""
import base64
import binascii
import hashlib
import hmac
import json
import re
import sys
import threading
import time

LABEL = "sig1"
ALGORITHM = "hmac-sha256"
AUDIENCE_HEADER = "portcullis-audience"
BASE_COMPONENTS = ["@method", "@path", "@query", AUDIENCE_HEADER]
BODY_COMPONENTS = BASE_COMPONENTS + ["content-type", "content-digest"]
ALLOWED_PARAMS = {"created", "expires", "keyid", "alg", "nonce"}
MIN_SECRET_BYTES = 32

_KEY_START = re.compile(r"[a-z*]")
_KEY_CHARS = re.compile(r"[a-z0-9_\-.*]*")
_TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,3})?")
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
_BASE_SAFE = re.compile(r"^[\x20-\x7e\t]*$")


class SFError(ValueError):
    """Not valid structured-field syntax (RFC 8941), parsed strictly."""


class _Parser:
    def __init__(self, text):
        self.s, self.i = text, 0

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, c):
        if self.peek() != c:
            raise SFError("expected " + c)
        self.i += 1

    def skip_sp(self):
        while self.peek() == " ":
            self.i += 1

    def skip_ows(self):
        while self.peek() in (" ", "\t") and self.peek():
            self.i += 1

    def key(self):
        if not _KEY_START.match(self.peek()):
            raise SFError("bad key")
        m = _KEY_CHARS.match(self.s, self.i + 1)
        k = self.s[self.i:m.end()]
        self.i = m.end()
        return k

    def bare_item(self):
        c = self.peek()
        if c == '"':
            self.i += 1
            out = []
            while True:
                if self.i >= len(self.s):
                    raise SFError("unterminated string")
                ch = self.s[self.i]
                self.i += 1
                if ch == '"':
                    return ("string", "".join(out))
                if ch == "\\":
                    esc = self.peek()
                    if esc not in ('"', "\\"):
                        raise SFError("bad escape")
                    self.i += 1
                    out.append(esc)
                elif not (0x20 <= ord(ch) <= 0x7E):
                    raise SFError("bad string character")
                else:
                    out.append(ch)
        if c == ":":
            end = self.s.find(":", self.i + 1)
            if end == -1:
                raise SFError("unterminated byte sequence")
            text = self.s[self.i + 1:end]
            if not _BASE64.match(text):
                raise SFError("non-canonical base64")
            raw = base64.b64decode(text)
            if base64.b64encode(raw).decode("ascii") != text:
                raise SFError("non-canonical base64")  # non-zero pad bits: one value, one spelling
            self.i = end + 1
            return ("bytes", raw)
        if c == "?":
            v = self.s[self.i + 1:self.i + 2]
            if v not in ("0", "1"):
                raise SFError("bad boolean")
            self.i += 2
            return ("boolean", v == "1")
        if c == "-" or c.isdigit():
            m = _NUMBER.match(self.s, self.i)
            if not m or (m.end() < len(self.s) and self.s[m.end()] in "0123456789."):
                raise SFError("bad number")
            self.i = m.end()
            return ("decimal", float(m.group(0))) if m.group(1) else ("integer", int(m.group(0)))
        m = _TOKEN.match(self.s, self.i)
        if m:
            self.i = m.end()
            return ("token", m.group(0))
        raise SFError("bad item")

    def params(self):
        out = []
        while self.peek() == ";":
            self.i += 1
            self.skip_sp()
            k = self.key()
            if any(k == existing for existing, _ in out):
                raise SFError("duplicate parameter")
            v = ("boolean", True)
            if self.peek() == "=":
                self.i += 1
                v = self.bare_item()
            out.append((k, v))
        return out

    def member(self):
        if self.peek() == "(":
            self.i += 1
            items = []
            while True:
                self.skip_sp()
                if self.peek() == ")":
                    self.i += 1
                    return ("inner-list", items, self.params())
                items.append((self.bare_item(), self.params()))
                if self.peek() not in (" ", ")"):
                    raise SFError("bad inner list")
        return ("item", self.bare_item(), self.params())

    def dictionary(self):
        out = {}
        self.skip_sp()
        if self.i >= len(self.s):
            return out
        while True:
            k = self.key()
            if k in out:
                raise SFError("duplicate key")  # stricter than RFC 8941 on purpose
            if self.peek() == "=":
                self.i += 1
                out[k] = self.member()
            else:
                out[k] = ("item", ("boolean", True), self.params())
            self.skip_ows()
            if self.i >= len(self.s):
                return out
            self.expect(",")
            self.skip_ows()
            if self.i >= len(self.s):
                raise SFError("trailing comma")


def parse_dictionary(value):
    return _Parser(value.strip(" \t")).dictionary()


def _serialize_bare(item):
    kind, value = item
    if kind == "string":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind == "bytes":
        return ":" + base64.b64encode(value).decode("ascii") + ":"
    if kind == "boolean":
        return "?1" if value else "?0"
    return str(value)


def _serialize_params(params):
    return "".join(
        ";" + k if v == ("boolean", True) else ";" + k + "=" + _serialize_bare(v) for k, v in params
    )


def serialize_inner_list(member):
    _, items, params = member
    inner = " ".join(_serialize_bare(i) + _serialize_params(p) for i, p in items)
    return "(" + inner + ")" + _serialize_params(params)


def field_value(header_lines, name):
    """RFC 9421 section 2.1: every line of `name` (any case), trimmed, joined with ', '."""
    values = [v.strip(" \t") for n, v in header_lines if n.lower() == name]
    return ", ".join(values) if values else None


def split_target(target):
    """The raw request target, split at the first '?': no decoding, no dot-segment removal."""
    path, sep, query = target.partition("?")
    return (path or "/"), "?" + query


class NonceStore:
    """In-memory nonces with expiry. Use Redis `SET key 1 PX ttl NX` across replicas."""

    def __init__(self):
        self._seen, self._lock = {}, threading.Lock()

    def claim(self, key, ttl_seconds, now):
        with self._lock:
            for k in [k for k, exp in self._seen.items() if exp <= now]:
                del self._seen[k]
            if key in self._seen:
                return False
            self._seen[key] = now + ttl_seconds
            return True


class Verifier:
    """keys: {key_id: {"secret": bytes, "status": "active"|"verify-only"|"revoked", "verify_until": epoch s or None}}"""

    def __init__(self, keys, audience, max_age_seconds=300, max_future_skew_seconds=30, nonce_store=None, clock=time.time):
        for key_id, key in keys.items():
            if len(key["secret"]) < MIN_SECRET_BYTES:
                raise ValueError("secret of key %r is shorter than %d bytes" % (key_id, MIN_SECRET_BYTES))
        self.keys = keys
        self.audiences = {audience} if isinstance(audience, str) else set(audience)
        self.max_age, self.max_skew = max_age_seconds, max_future_skew_seconds
        self.nonces = nonce_store or NonceStore()
        self.clock = clock

    def verify(self, method, target, header_lines, body):
        """Returns (ok, error_code, key_id, signature_base). Answer callers with an opaque 401."""
        sig_input = field_value(header_lines, "signature-input")
        sig = field_value(header_lines, "signature")
        if not sig_input or not sig:
            return False, "missing_signature", None, None
        try:
            member = parse_dictionary(sig_input).get(LABEL)
            mac_member = parse_dictionary(sig).get(LABEL)
        except SFError:
            return False, "malformed_signature", None, None
        if member is None and mac_member is None:
            return False, "missing_signature", None, None
        if member is None or member[0] != "inner-list" or mac_member is None or mac_member[0] != "item":
            return False, "malformed_signature", None, None
        if mac_member[1][0] != "bytes" or mac_member[2]:
            return False, "malformed_signature", None, None
        params = {}
        for name, (kind, value) in member[2]:
            if name not in ALLOWED_PARAMS:
                return False, "malformed_signature", None, None
            wanted = "integer" if name in ("created", "expires") else "string"
            if kind != wanted or (name == "alg" and value != ALGORITHM):
                return False, "malformed_signature", None, None
            params[name] = value
        key_id = params.get("keyid") or None
        if "created" not in params or key_id is None or not params.get("nonce"):
            return False, "malformed_signature", key_id, None
        components = []
        for (kind, value), item_params in member[1]:
            if kind != "string" or item_params:
                return False, "malformed_signature", key_id, None
            components.append(value)
        with_body = body is not None and len(body) > 0
        if components != (BODY_COMPONENTS if with_body else BASE_COMPONENTS):
            flipped = BASE_COMPONENTS if with_body else BODY_COMPONENTS
            return False, "digest_mismatch" if components == flipped else "malformed_signature", key_id, None
        path, query = split_target(target)
        values = []
        for name in components:
            if name == "@method":
                value = method
            elif name == "@path":
                value = path
            elif name == "@query":
                value = query
            else:
                value = field_value(header_lines, name)
            if value is None:
                code = {AUDIENCE_HEADER: "wrong_audience", "content-digest": "digest_mismatch"}.get(name, "malformed_signature")
                return False, code, key_id, None
            if not _BASE_SAFE.match(value):
                return False, "malformed_signature", key_id, None
            values.append(value)
        lines = ['"%s": %s' % (c, v) for c, v in zip(components, values)]
        lines.append('"@signature-params": ' + serialize_inner_list(member))
        base = "\n".join(lines)

        now = self.clock()
        key = self.keys.get(key_id)
        if key is None:
            return False, "unknown_key", key_id, base
        until = key.get("verify_until")
        if key["status"] == "revoked" or (key["status"] == "verify-only" and until is not None and now > until):
            return False, "revoked_key", key_id, base
        if values[3] not in self.audiences:
            return False, "wrong_audience", key_id, base
        now_s, created = int(now), params["created"]
        if created > now_s + self.max_skew:
            return False, "not_yet_valid", key_id, base
        if now_s - created > self.max_age or ("expires" in params and now_s > params["expires"]):
            return False, "expired", key_id, base
        if with_body:
            try:
                digests = parse_dictionary(values[5])
            except SFError:
                return False, "digest_mismatch", key_id, base
            d = digests.get("sha-256")
            if d is None or d[0] != "item" or d[1][0] != "bytes":
                return False, "digest_mismatch", key_id, base
            if not hmac.compare_digest(d[1][1], hashlib.sha256(body).digest()):
                return False, "digest_mismatch", key_id, base
        expected = hmac.new(key["secret"], base.encode("ascii"), hashlib.sha256).digest()
        # compare_digest takes time independent of content; unequal lengths just return False.
        if not hmac.compare_digest(mac_member[1][1], expected):
            return False, "signature_mismatch", key_id, base
        # Record the nonce only now: unverified requests must not burn nonces.
        if not self.nonces.claim(key_id + ":" + params["nonce"], self.max_age + self.max_skew, now):
            return False, "replayed", key_id, base
        return True, None, key_id, base


def run_vectors(directory):
    import glob
    import os

    failures = total = 0
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        cfg = data["verifier"]
        for vector in data["vectors"]:
            keys = {
                k["id"]: {"secret": base64.b64decode(k["secretBase64"]), "status": k["status"], "verify_until": k["verifyUntil"]}
                for k in cfg["keys"]
            }
            verifier = Verifier(keys, cfg["audience"], cfg["maxAgeSeconds"], cfg["maxFutureSkewSeconds"], clock=lambda: cfg["now"])
            req = vector["request"]
            body = None if req["bodyBase64"] is None else base64.b64decode(req["bodyBase64"])
            for _ in range(vector["verifications"]):
                ok, code, key_id, base = verifier.verify(req["method"], req["target"], req["headers"], body)
            exp = vector["expected"]
            passed = (ok, code, key_id, base) == (exp["ok"], exp["error"], exp["keyId"], exp["signatureBase"])
            total += 1
            failures += 0 if passed else 1
            print(json.dumps({"file": os.path.basename(path), "name": vector["name"], "passed": passed, "error": code}))
    print(json.dumps({"total": total, "failures": failures}))
    return 1 if failures or total == 0 else 0


def serve(audience, keys, port=0):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    verifier = Verifier(keys, audience)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("content-length") or 0)
            # The raw bytes as received: never a re-serialised parsed body.
            body = self.rfile.read(length) if length else None
            ok, code, key_id, _ = verifier.verify(self.command, self.path, self.headers.items(), body)
            status, text = (200, "verified " + key_id) if ok else (401, "Unauthorized")
            if not ok:
                sys.stderr.write("signature rejected: %s\n" % code)  # log the reason, never send it
            payload = text.encode("utf-8")
            self.send_response(status)
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


def main(argv):
    if len(argv) >= 2 and argv[0] == "vectors":
        return run_vectors(argv[1])
    if argv and argv[0] == "serve":
        audience, keys, port = None, {}, 0
        args = iter(argv[1:])
        for flag in args:
            value = next(args, None)
            if flag == "--audience":
                audience = value
            elif flag == "--port":
                port = int(value)
            elif flag == "--key" and value and "=" in value:
                key_id, secret = value.split("=", 1)
                try:
                    keys[key_id] = {"secret": base64.b64decode(secret, validate=True), "status": "active", "verify_until": None}
                except binascii.Error:
                    raise SystemExit("--key secret must be base64")
        if not audience or not keys:
            raise SystemExit("usage: verify.py serve --audience NAME --key ID=BASE64SECRET [--port N]")
        serve(audience, keys, port)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
