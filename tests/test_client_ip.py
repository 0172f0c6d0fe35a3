"""The visitor's address behind reverse proxies."""

from django.test import RequestFactory

from config.client_ip import client_ip


def request(forwarded: str = "", remote: str = "10.0.0.1"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_connecting_address_counts(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request("203.0.113.9")) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_saw_counts(settings):
    settings.PROXY_COUNT = 1
    assert client_ip(request("198.51.100.7, 203.0.113.9")) == "203.0.113.9"


def test_a_header_shorter_than_the_proxy_chain_is_not_trusted(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request("203.0.113.9")) == "10.0.0.1"
