"""An OpenAI-compatible server on 127.0.0.1 whose replies are slow or cut off, streamed or not.

    mode "ok"         the whole reply at once (JSON, or SSE chunks ending in finish_reason + [DONE])
    mode "slow"       the same bytes, one a second (a provider's per-read timeout never trips)
    mode "truncated"  SSE chunks of the first words, then the connection closes: no
                      finish_reason, no [DONE] (non-streamed requests get the whole JSON reply)

It records each request's `stream` flag. `close()` stops any dribbling reply at its next byte.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = "S3 Versioning keeps every version of an object [1]."
CUT = "S3 versioning keeps every"


def _completion(text: str) -> bytes:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": text},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return json.dumps(body).encode()


def _chunk(delta: dict, finish: str | None) -> bytes:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def _events(text: str, *, whole: bool) -> bytes:
    words = text.split(" ")
    parts = [_chunk({"role": "assistant", "content": ""}, None)]
    parts += [_chunk({"content": w if i == 0 else f" {w}"}, None) for i, w in enumerate(words)]
    if whole:
        parts += [_chunk({}, "stop"), b"data: [DONE]\n\n"]
    return b"".join(parts)


class MisbehavingLLM:
    def __init__(self, *, mode: str = "ok", byte_every_s: float = 1.0) -> None:
        self.mode = mode
        self.byte_every_s = byte_every_s
        self.requests: list[bool] = []  # the `stream` flag of each request, in order
        self.stopped = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                streamed = bool(body.get("stream"))
                fake.requests.append(streamed)
                if streamed:
                    data = _events(
                        CUT if fake.mode == "truncated" else REPLY, whole=fake.mode != "truncated"
                    )
                    kind = "text/event-stream"
                else:
                    data, kind = _completion(REPLY), "application/json"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                if not streamed:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if fake.mode != "slow":
                    self.wfile.write(data)
                    return
                for i in range(len(data)):
                    if fake.stopped.wait(fake.byte_every_s):
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()
