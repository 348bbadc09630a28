"""Saved servers and keys, the plain-http rule, remote refs, and llama.cpp RPC detection: no server needed."""

from __future__ import annotations

import keyring
import llama_cpp
import pytest
from jaraco.classes.properties import classproperty
from keyring.backend import KeyringBackend

from backend import remote_servers
from backend.remote_http import RemoteError, normalize_url, plain_http_to_public
from backend.remote_rpc import add_workers, parse_workers, rpc_support
from backend.remote_servers import ServerStore, endpoint_for_ref, keyring_available, parse_remote_ref, remote_ref
from backend.settings import Settings

KEY = "sk-very-secret-123"


@pytest.fixture
def settings(data_dir):
    remote_servers._session_keys.clear()
    yield Settings(data_dir / "settings.json")
    remote_servers._session_keys.clear()


class _MemoryKeyring(KeyringBackend):
    """Stands in for the desktop's Secret Service, which this machine has no daemon for."""

    @classproperty
    def priority(cls):
        raise RuntimeError("used only where a test sets it")  # else keyring would pick it by itself

    def __init__(self):
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.saved.get((service, username))

    def set_password(self, service, username, password):
        self.saved[(service, username)] = password

    def delete_password(self, service, username):
        self.saved.pop((service, username), None)


@pytest.mark.parametrize(
    "text, url",
    [
        ("192.168.1.20:8080", "http://192.168.1.20:8080"),
        ("http://box:8080/v1/", "http://box:8080"),
        ("https://llm.example.org/api/v1", "https://llm.example.org/api"),
    ],
)
def test_addresses_are_normalized(text, url):
    assert normalize_url(text) == url


@pytest.mark.parametrize("text", ["", "ftp://box/", "http://:80", "http://box:port"])
def test_what_is_not_an_address_is_refused_with_a_sentence(text):
    with pytest.raises(RemoteError):
        normalize_url(text)


@pytest.mark.parametrize(
    "url, asks",
    [
        ("http://127.0.0.1:8080", False),
        ("http://localhost:8080", False),
        ("http://192.168.1.20:8080", False),
        ("http://10.0.0.7:8080", False),
        ("http://100.100.1.2:8080", False),  # a VPN such as Tailscale
        ("http://[fd12::1]:8080", False),
        ("http://203.0.113.9:8080", True),  # a documentation range: no one's own network
        ("http://8.8.8.8:8080", True),
        ("http://llm.example.org", True),  # a name could point anywhere: asked
        ("https://llm.example.org", False),
    ],
)
def test_plain_http_beyond_the_own_network_is_asked_about(url, asks):
    assert plain_http_to_public(url) is asks


def test_without_a_keyring_the_key_lives_for_the_session_only(settings, data_dir):
    assert not keyring_available()  # this machine has no keyring backend, as many desktops' sessions do not
    store = ServerStore(settings)
    server, in_keyring = store.add("Desk", "http://192.168.1.20:8080/v1", KEY)
    assert not in_keyring and server.url == "http://192.168.1.20:8080"
    assert KEY not in (data_dir / "settings.json").read_text()
    assert store.endpoint(server).api_key == KEY  # usable until Hearth closes
    remote_servers._session_keys.clear()  # Hearth restarted
    reopened = ServerStore(Settings(data_dir / "settings.json"))
    assert reopened.servers() == [server] and reopened.endpoint(server).api_key is None


def test_with_a_keyring_the_key_goes_there_and_never_to_settings(settings, data_dir):
    previous = keyring.get_keyring()
    memory = _MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        assert keyring_available()
        store = ServerStore(settings)
        server, in_keyring = store.add("Desk", "https://desk.example.org", KEY)
        assert in_keyring and memory.saved == {(remote_servers.KEYRING_SERVICE, server.url): KEY}
        assert KEY not in (data_dir / "settings.json").read_text()
        assert ServerStore(Settings(data_dir / "settings.json")).endpoint(server).api_key == KEY
        store.remove(server.url)
        assert memory.saved == {} and store.servers() == []
    finally:
        keyring.set_keyring(previous)


def test_two_servers_cannot_share_a_name_and_re_adding_an_address_replaces_it(settings):
    store = ServerStore(settings)
    store.add("Desk", "http://10.0.0.2:8080", None)
    with pytest.raises(RemoteError, match="already exists"):
        store.add("Desk", "http://10.0.0.3:8080", None)
    store.add("Desktop", "http://10.0.0.2:8080/v1", None)
    assert [(s.name, s.url) for s in store.servers()] == [("Desktop", "http://10.0.0.2:8080")]


def test_a_remote_ref_names_a_saved_server_and_model(settings):
    store = ServerStore(settings)
    server, _ = store.add("Desk", "http://10.0.0.2:8080", KEY)
    ref = remote_ref(server.url, "qwen2.5#7b")
    assert parse_remote_ref(ref) == (server.url, "qwen2.5#7b") and parse_remote_ref("/models/a.gguf") is None
    endpoint, model = endpoint_for_ref(ref, settings)
    assert (endpoint.base_url, endpoint.api_key, endpoint.name, model) == (server.url, KEY, "Desk", "qwen2.5#7b")
    store.remove(server.url)
    with pytest.raises(RemoteError, match="no longer in your list"):
        endpoint_for_ref(ref, settings)


def test_this_build_has_no_rpc_and_says_how_to_get_it():
    assert llama_cpp.llama_supports_rpc() is False  # the premise: the build here is made without GGML_RPC
    support = rpc_support()
    assert not support.available
    assert "-DGGML_RPC=on" in support.explanation and "cannot be split" in support.explanation
    with pytest.raises(RemoteError, match="no RPC backend"):
        add_workers(["127.0.0.1:50052"])


def test_rpc_workers_are_host_port_pairs():
    assert parse_workers("10.0.0.5:50052, gpu-box:50052;[fd00::2]:50052") == [
        "10.0.0.5:50052",
        "gpu-box:50052",
        "[fd00::2]:50052",
    ]
    for bad in ("", "10.0.0.5", "box:0", "box:http"):
        with pytest.raises(RemoteError):
            parse_workers(bad)
