"""moto_server whose conditional writes are atomic, as S3's are.

moto 5.2 checks If-None-Match / If-Match and stores the object in two steps without a lock, so two racing
conditional PUTs of one key can both succeed (seen under CPU load, where a GIL switch lands between the steps;
reproduced with sys.setswitchinterval(1e-6): 7 of 200 rounds of 8 racers had two winners). Forge's leases rely on
S3's guarantee that exactly one wins, so the fixture serialises conditional requests: each one's check and store
run under one lock. Everything else is moto_server as is (same arguments).
"""
import sys
import threading

from moto.s3.responses import S3Response

_conditional = threading.Lock()


def _atomic(method):
    def run(self, *args, **kwargs):
        if self.headers.get("If-None-Match") or self.headers.get("If-Match"):
            with _conditional:
                return method(self, *args, **kwargs)
        return method(self, *args, **kwargs)

    return run


# put_object: PUT with If-None-Match/If-Match; _key_response_post: CompleteMultipartUpload with If-None-Match.
S3Response.put_object = _atomic(S3Response.put_object)
S3Response._key_response_post = _atomic(S3Response._key_response_post)

from moto.server import main  # noqa: E402  (after the patch)

sys.exit(main(sys.argv[1:]))
