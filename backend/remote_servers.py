"""The servers the user added: names and addresses in settings, API keys in the system keyring.

A key never goes into the settings file. Where no keyring backend exists (a bare desktop session,
a container), the key is kept in memory for this session only and the caller is told so, so it
can say it. Nothing here opens a connection: adding a server only records it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from backend.remote_http import Endpoint, RemoteError, normalize_url
from backend.settings import Settings

log = logging.getLogger(__name__)

REMOTE_SERVERS = "remote_servers"
KEYRING_SERVICE = "Hearth remote server"

_session_keys: dict[str, str] = {}  # url -> key, when no keyring can hold it


@dataclass(frozen=True)
class RemoteServer:
    name: str
    url: str  # normalized (see remote_http.normalize_url)


def keyring_available() -> bool:
    """Whether a real keyring backend exists (keyring's 'fail' backend and plaintext files do not count)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken backend configuration is the same as none
        return False
    if isinstance(backend, fail.Keyring):
        return False
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return False
    return "plaintext" not in type(backend).__module__.lower()


class ServerStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def servers(self) -> list[RemoteServer]:
        out = []
        for entry in self.settings.get(REMOTE_SERVERS) or []:
            if isinstance(entry, dict) and entry.get("url"):
                out.append(RemoteServer(name=str(entry.get("name") or entry["url"]), url=str(entry["url"])))
        return out

    def find(self, name_or_url: str) -> RemoteServer | None:
        for server in self.servers():
            if name_or_url in (server.name, server.url):
                return server
        try:
            url = normalize_url(name_or_url)
        except RemoteError:
            return None
        return next((s for s in self.servers() if s.url == url), None)

    def add(self, name: str, url: str, api_key: str | None) -> tuple[RemoteServer, bool]:
        """Record a server (replacing one at the same address); (the server, whether its key was kept
        in the keyring — False means for this session only, or no key)."""
        url = normalize_url(url)
        name = name.strip() or url
        if any(s.name == name and s.url != url for s in self.servers()):
            raise RemoteError(f"a server named {name} already exists; choose another name")
        entries = [{"name": s.name, "url": s.url} for s in self.servers() if s.url != url]
        entries.append({"name": name, "url": url})
        self.settings.set(REMOTE_SERVERS, entries)
        return RemoteServer(name, url), self._store_key(url, api_key)

    def remove(self, url: str) -> None:
        self.settings.set(REMOTE_SERVERS, [{"name": s.name, "url": s.url} for s in self.servers() if s.url != url])
        self._store_key(url, None)

    def endpoint(self, server: RemoteServer) -> Endpoint:
        return Endpoint(base_url=server.url, api_key=self.api_key(server.url), name=server.name)

    def api_key(self, url: str) -> str | None:
        if url in _session_keys:
            return _session_keys[url]
        if not keyring_available():
            return None
        import keyring

        try:
            return keyring.get_password(KEYRING_SERVICE, url)
        except Exception as exc:  # a locked or broken keyring: ask again rather than fail
            log.warning("could not read the key for %s from the keyring: %s", url, exc)
            return None

    @staticmethod
    def _store_key(url: str, api_key: str | None) -> bool:
        _session_keys.pop(url, None)
        if keyring_available():
            import keyring

            try:
                if api_key:
                    keyring.set_password(KEYRING_SERVICE, url, api_key)
                    return True
                try:
                    keyring.delete_password(KEYRING_SERVICE, url)
                except keyring.errors.PasswordDeleteError:
                    pass
                return False
            except Exception as exc:
                log.warning("could not store the key for %s in the keyring: %s", url, exc)
        if api_key:
            _session_keys[url] = api_key
        return False


REF_PREFIX = "remote:"


def remote_ref(url: str, model_id: str) -> str:
    """How a remote model is named where a local one is named by its path (the picker, the saved chat model)."""
    return f"{REF_PREFIX}{url}#{model_id}"


def parse_remote_ref(ref: str) -> tuple[str, str] | None:
    """(server url, model id) of a remote ref; None for a local path."""
    if not ref.startswith(REF_PREFIX):
        return None
    url, _, model_id = ref[len(REF_PREFIX) :].partition("#")
    return url, model_id


def endpoint_for_ref(ref: str, settings: Settings | None = None) -> tuple[Endpoint, str]:
    """The saved server (with its key) and model a remote ref names; RemoteError if the server was removed."""
    url, model_id = parse_remote_ref(ref) or ("", "")
    store = ServerStore(settings or Settings())
    server = store.find(url)
    if server is None:
        raise RemoteError(f"the server {url} is no longer in your list of servers; add it again in Models → Servers")
    return store.endpoint(server), model_id
