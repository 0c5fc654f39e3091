"""Child side: a forked child confines itself, runs the cells, then answers probes until closed.

Protocol (frames of :mod:`cnngrader.confine.shared.wire`, the child speaking first):

    child  -> {"type": "hello", "pid", "seccomp", "landlock"}
    judge  -> {"op": "cells", "skip": [...]} with the cells' sources as a JSON list in the payload
    child  -> {"type": "cell_start", "index"} and {"type": "cell_end", "report"} per cell run
    child  -> {"type": "cells_done"}
    judge  -> {"op": ..., "id": n, ...}   child -> {"id": n, "ok": true, ...} or {"id": n, "ok": false,
              "kind", "type", "message"}, until the judge closes the socket.

Between probes the judge may send ``{"op": "cells", "skip": [...]}`` again (cells it left out
of the first pass, such as public checks it runs only where a question lost points): the child
runs them as before, in the namespace as the probes left it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from typing import Any, NoReturn

from cnngrader.confine.child.confinement import ChildConfig, confine
from cnngrader.confine.child.handlers import Handlers
from cnngrader.confine.child.notebook import CappedText, Notebook
from cnngrader.confine.shared.probes import ProbeFailure, failure_header
from cnngrader.confine.shared.wire import Frame, WireError, recv_frame, send_frame

EXIT_CONFINEMENT_FAILED = 70


def main(sock: socket.socket, config: ChildConfig, *, output_chars: int, max_payload: int) -> NoReturn:
    """Entry point after ``fork()`` in the zygote; never returns."""
    try:
        confine(sock.fileno(), config)
    except BaseException as exc:  # nothing may run unconfined, whatever went wrong
        _send_quietly(sock, Frame({"type": "fatal", "message": f"confinement failed: {exc}"}))
        os._exit(EXIT_CONFINEMENT_FAILED)
    try:
        Child(sock, output_chars=output_chars, max_payload=max_payload).serve(config)
    finally:
        os._exit(0)


class Child:
    """The confined side of one run: a notebook namespace and the probes' handlers."""

    def __init__(self, sock: socket.socket, *, output_chars: int, max_payload: int) -> None:
        self.sock = sock
        self.max_payload = max_payload
        self.notebook = Notebook(output_chars)
        self.handlers = Handlers(self.notebook.namespace)

    def serve(self, config: ChildConfig) -> None:
        self.send(Frame({"type": "hello", "pid": os.getpid(), "seccomp": config.seccomp,
                         "landlock": config.landlock}))
        request = self.recv()
        if request is None or request.header.get("op") != "cells":
            return
        self.run_requested(request)
        while (request := self.recv()) is not None:
            if request.header.get("op") == "cells":
                self.run_requested(request)
            else:
                self.send(self.handlers.answer(request))

    def run_requested(self, request: Frame) -> None:
        cells = json.loads(bytes(request.payload).decode("utf-8")) if request.payload else []
        self.run_cells(cells if isinstance(cells, list) else [], set(request.header.get("skip", [])))
        # Probes print nothing anyone reads; drop it rather than let it pile up.
        sys.stdout = sys.stderr = CappedText(0)

    def run_cells(self, cells: list[Any], skip: set[Any]) -> None:
        for index, source in enumerate(cells):
            if index in skip or not isinstance(source, str):
                continue
            self.send(Frame({"type": "cell_start", "index": index}))
            self.send(Frame({"type": "cell_end", "report": self.notebook.run_cell(index, source)}))
        self.send(Frame({"type": "cells_done"}))

    def send(self, frame: Frame) -> None:
        try:
            send_frame(self.sock, frame, max_payload=self.max_payload)
        except WireError as exc:
            reply = {**failure_header(ProbeFailure.UNSENDABLE, str(exc)), "id": frame.header.get("id")}
            send_frame(self.sock, Frame(reply), max_payload=self.max_payload)

    def recv(self) -> Frame | None:
        try:
            return recv_frame(self.sock, max_payload=self.max_payload)
        except (WireError, OSError):
            return None


def _send_quietly(sock: socket.socket, frame: Frame) -> None:
    with contextlib.suppress(Exception):
        send_frame(sock, frame)
