"""The client address behind a proxy: headers count only from a trusted peer (case 46)."""

from __future__ import annotations

import pytest

from lms_reflex.net import client_address, parse_networks
from lms_reflex.settings import ConfigError, get_settings, reset_settings_cache

LOCAL = parse_networks("127.0.0.1, ::1")
CHAIN = parse_networks("127.0.0.1, 10.0.0.0/8")


def xff(value: str) -> dict[str, str]:
    return {"x-forwarded-for": value}


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("127.0.0.1", xff("198.51.100.7"), ()) == "127.0.0.1"


def test_a_trusted_peer_passes_on_the_forwarded_address() -> None:
    assert client_address("127.0.0.1", xff("198.51.100.7"), LOCAL) == "198.51.100.7"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("203.0.113.9", xff("198.51.100.7"), LOCAL) == "203.0.113.9"
    forwarded = {"forwarded": "for=198.51.100.7"}
    assert client_address("203.0.113.9", forwarded, LOCAL) == "203.0.113.9"


def test_the_right_most_untrusted_hop_wins_over_what_the_browser_wrote() -> None:
    # The browser sent "X-Forwarded-For: 1.2.3.4"; nginx appended the real address.
    assert client_address("127.0.0.1", xff("1.2.3.4, 198.51.100.7"), LOCAL) == "198.51.100.7"


def test_trusted_hops_inside_a_cidr_are_skipped() -> None:
    headers = xff("1.2.3.4, 198.51.100.7, 10.1.2.3, 10.9.9.9")
    assert client_address("10.0.0.5", headers, CHAIN) == "198.51.100.7"


def test_a_peer_outside_the_cidr_is_not_trusted() -> None:
    assert client_address("11.0.0.5", xff("198.51.100.7"), CHAIN) == "11.0.0.5"


def test_forwarded_header_syntax_with_quotes_ports_and_ipv6() -> None:
    headers = {"forwarded": 'for=1.2.3.4;proto=https, For="[2001:db8::17]:4711";by=10.0.0.1'}
    assert client_address("127.0.0.1", headers, LOCAL) == "2001:db8::17"
    port = {"forwarded": "for=198.51.100.7:5555"}
    assert client_address("127.0.0.1", port, LOCAL) == "198.51.100.7"


def test_x_forwarded_for_wins_over_forwarded() -> None:
    headers = {"forwarded": "for=1.2.3.4", "x-forwarded-for": "198.51.100.7"}
    assert client_address("127.0.0.1", headers, LOCAL) == "198.51.100.7"


@pytest.mark.parametrize("junk", ["unknown", "_hidden", "not an ip", "", " , ", "999.1.1.1"])
def test_garbage_hops_fall_back_to_the_last_vouched_address(junk: str) -> None:
    assert client_address("127.0.0.1", xff(junk), LOCAL) == "127.0.0.1"
    assert client_address("127.0.0.1", {"forwarded": f"for={junk}"}, LOCAL) == "127.0.0.1"


def test_garbage_left_of_the_client_is_never_reached() -> None:
    assert client_address("127.0.0.1", xff("junk, 198.51.100.7"), LOCAL) == "198.51.100.7"


def test_an_ipv4_mapped_peer_counts_as_its_ipv4_address() -> None:
    assert client_address("::ffff:127.0.0.1", xff("198.51.100.7"), LOCAL) == "198.51.100.7"


def test_a_peer_that_is_not_an_address_is_returned_as_is() -> None:
    assert client_address("", xff("198.51.100.7"), LOCAL) == ""
    assert client_address("testclient", xff("198.51.100.7"), LOCAL) == "testclient"


def test_trusted_proxies_setting_parses_addresses_and_cidrs(settings_env) -> None:
    settings = settings_env(trusted_proxies="127.0.0.1, 10.0.0.0/8,::1")
    assert [str(n) for n in settings.trusted_networks] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]


def test_trusted_proxies_default_to_none(settings_env) -> None:
    assert settings_env().trusted_networks == ()


def test_a_bad_trusted_proxy_stops_start_up_naming_the_variable(settings_env, monkeypatch) -> None:
    monkeypatch.setenv("LMS_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    reset_settings_cache()
    with pytest.raises(ConfigError, match="LMS_TRUSTED_PROXIES") as caught:
        get_settings()
    assert "nginx.local" in str(caught.value) and "\n" not in str(caught.value)
