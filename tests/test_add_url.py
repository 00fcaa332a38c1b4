"""``monitor add URL``: fetch one page, extract the article, store it as a version."""

from __future__ import annotations

import json

PAGE = """<!DOCTYPE html><html><head><title>Talks collapse in Istanbul</title>
<meta property="og:site_name" content="Sample Daily"></head><body>
<nav>Home | World | Sport</nav><article><h1>Talks collapse in Istanbul</h1>
<p>Pakistan and the Afghan Taliban failed to agree on a mechanism to stop cross-border attacks
after four days of talks mediated by Turkey and Qatar in Istanbul.</p>
<p>Defence Minister Khawaja Asif said more than {n} soldiers had been killed this month and
warned that Pakistan would respond to further attacks by militants based in Afghanistan.</p>
</article><footer>Copyright Sample Daily</footer></body></html>"""


def test_add_url_stores_page_then_a_new_version(invoke, httpserver):
    httpserver.expect_ordered_request("/news/a").respond_with_data(
        PAGE.format(n=60), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_ordered_request("/news/a").respond_with_data(
        PAGE.format(n=70), content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/news/a") + "?utm_source=x"
    first = invoke("add", url, "--story", "pakistan-taliban")
    assert first.exit_code == 0, first.stderr
    assert "article 1: new, stored version 1" in first.stdout
    second = invoke("add", url)
    assert "article 1: changed, stored version 2" in second.stdout
    shown = json.loads(invoke("show", "1", "--json").stdout)
    assert shown["url"] == httpserver.url_for("/news/a")  # tracking parameter dropped
    assert "more than 70 soldiers" in shown["text"] and "Copyright" not in shown["text"]
    assert invoke("diff", "1", "--stat").stdout.startswith("v1→v2")


def test_add_url_errors_are_one_line_and_store_nothing(invoke, httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/empty").respond_with_data("", content_type="text/html")
    httpserver.expect_request("/img").respond_with_data(
        b"\x89PNG\r\n\x00\x00", content_type="image/png"
    )
    for path, message in [
        ("/gone", "HTTP 404"),
        ("/empty", "empty page"),
        ("/img", "is not a web page"),
    ]:
        result = invoke("add", httpserver.url_for(path))
        assert result.exit_code == 1, path
        assert message in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(invoke("list", "--json").stdout) == []
