"""`make cluster`'s pieces that need no running servers (loyalty/devcluster.py): the nginx
configuration written from the template is valid for nginx and has what the replicas need;
the cluster's state survives a round trip; an open proxy without sign-in is refused. The
running cluster is tested in tests/e2e/test_replicas.py."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from loyalty import devcluster


def test_the_config_has_websockets_sticky_routes_and_every_replica(tmp_path):
    text = devcluster.render_config(tmp_path, "127.0.0.1:8500", [41001, 41002, 41003])
    assert not re.search(r"@[A-Z]+@", text)  # every placeholder filled in
    for line in (
        "daemon off;",
        f"pid {tmp_path}/nginx.pid;",
        "listen 127.0.0.1:8500;",
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_read_timeout 1d;",
        "hash $loyalty_route consistent;",
        "proxy_next_upstream error timeout http_502 http_503;",
    ):
        assert line in text, line
    servers = [line.strip() for line in text.splitlines() if line.strip().startswith("server 1")]
    assert servers == [
        f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in (41001, 41002, 41003)
    ]
    assert "ip_hash" not in text.replace("ip_hash would", "")  # loopback: one replica only
    assert "/var/" not in text and "/etc/" not in text  # nothing outside the folder


def test_nginx_accepts_the_config(tmp_path):
    binary = devcluster.nginx()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (CI=true): `make test` installs it as root")
        pytest.skip("nginx is missing: `make nginx` installs it as root")
    (tmp_path / "temp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(devcluster.render_config(tmp_path, "127.0.0.1:8500", [41001, 41002]))
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_the_state_round_trips(tmp_path):
    cluster = devcluster.Cluster(
        str(tmp_path),
        "postgresql://loyalty@127.0.0.1:5432/loyalty",
        "0.0.0.0:8500",
        1234,
        [devcluster.Replica(41001, 99, str(tmp_path / "replica-1.log"))],
    )
    cluster.save()
    again = devcluster.Cluster.load(tmp_path)
    assert again == cluster
    assert again.url == "http://127.0.0.1:8500" and again.replicas[0].url.endswith(":41001")
    assert devcluster.Cluster.load(tmp_path / "nowhere") is None


def test_stopping_where_nothing_runs_says_so(tmp_path):
    assert devcluster.stop(tmp_path) is False


def test_an_open_proxy_without_sign_in_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("LOYALTY_AUTH", "none")
    with pytest.raises(devcluster.ClusterError, match="LOYALTY_AUTH=password"):
        devcluster.start(tmp_path, host="0.0.0.0", db="postgresql://x@127.0.0.1:1/x")
    assert not (tmp_path / devcluster.STATE).exists()


def test_stop_leaves_a_process_alone_that_reused_a_recorded_pid(tmp_path):
    """An old cluster.json (after a reboot) may name pids that now belong to others."""
    me = os.getpid()  # this test process: neither nginx nor serve.py
    devcluster.Cluster(
        str(tmp_path), "postgresql://x@127.0.0.1:1/x", "127.0.0.1:1", me,
        [devcluster.Replica(1, me, "replica-1.log")],
    ).save()  # fmt: skip
    assert devcluster.stop(tmp_path) is True  # still here to say so
    assert not (tmp_path / devcluster.STATE).exists()
