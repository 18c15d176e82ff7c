"""A stand-in for the kernel comm that keeps every message a widget sends (no Jupyter needed)."""

from __future__ import annotations

import ipywidgets.comm


class RecordingComm:
    """Stands in for the kernel comm and keeps every message the widget sends."""

    def __init__(self, data=None, buffers=None, **kwargs):
        self.comm_id = kwargs.get("comm_id") or f"comm-{id(self)}"
        self.opened = {"data": data, "buffers": list(buffers or [])}
        self.sent = []

    def send(self, data=None, buffers=None, **kwargs):
        self.sent.append({"data": data, "buffers": list(buffers or [])})

    def on_msg(self, callback):
        self.callback = callback

    def close(self, *args, **kwargs):
        pass

    def updates(self) -> list[dict]:
        """The state of every update message, in order, binary buffers (as memoryviews) put back."""
        out = []
        for message in self.sent:
            data = message["data"]
            if data.get("method") != "update":
                continue
            state = dict(data["state"])
            for path, buffer in zip(data["buffer_paths"], message["buffers"], strict=True):
                state[path[0]] = buffer
            out.append(state)
        return out


def route_comms(monkeypatch) -> list[RecordingComm]:
    """Make every widget created from now on talk to a RecordingComm; returns the comms, in order."""
    created: list[RecordingComm] = []

    def create_comm(**kwargs):
        created.append(RecordingComm(**kwargs))
        return created[-1]

    monkeypatch.setattr(ipywidgets.comm, "create_comm", create_comm)
    return created
