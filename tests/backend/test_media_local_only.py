"""Opening a media file never reaches the network: a file whose name reads as a URL to FFmpeg
("http:talk.wav") is opened as the local file it is, and a local playlist or stream description naming
a server is refused with a sentence while the server sees no request. Real FFmpeg (PyAV), real HTTP
server; the native network guard (tests/netguard.c) fails the test if FFmpeg reaches out."""

from __future__ import annotations

import pytest
from model_server import ModelServer, Served

from backend.audio import AudioFileError, decode_file


@pytest.fixture
def server():
    srv = ModelServer().start()
    yield srv
    srv.stop()


def test_local_playlist_naming_a_server_fetches_nothing(server, tmp_path, test_data):
    server.files["segment.wav"] = Served((test_data / "speech" / "sr_one_two_three.wav").read_bytes())
    playlist = tmp_path / "talk.m3u8"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n"
        f"{server.url('segment.wav', redirect=False)}\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(AudioFileError, match="only local"):
        decode_file(playlist)
    assert server.log == [], "FFmpeg fetched from the network"


def test_session_description_opening_udp_is_refused(tmp_path):
    sdp = tmp_path / "stream.sdp"
    sdp.write_text("v=0\no=- 0 0 IN IP4 192.0.2.1\ns=x\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 49170 RTP/AVP 0\n")
    with pytest.raises(AudioFileError, match="only local"):
        decode_file(sdp)


def test_a_file_name_that_looks_like_a_url_is_still_a_local_file(tmp_path, test_data, monkeypatch):
    local = tmp_path / "http:talk.wav"
    local.write_bytes((test_data / "speech" / "sr_one_two_three.wav").read_bytes())
    monkeypatch.chdir(tmp_path)
    audio = decode_file("http:talk.wav")
    assert len(audio) > 16_000
