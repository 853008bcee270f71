"""Open data on the web: the public page and its files (no sign-in, no cookie, cacheable), the same bytes the
command writes; publishing from the edit page by a manager only, with CSRF, logged in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from opendata_support import walk
from web_support import EMAILS, post, session_as, text_of

from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.opendata.datasets import DATASETS


def test_the_open_data_page_lists_every_dataset_without_signing_in(
    client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    walked = walk(programmes, sample.id)
    page = client.get("/open-data")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    words = text_of(page)
    assert "Open Government Licence v3.0" in words and "Generated from the data as at" in words
    body = page.get_data(as_text=True)
    for d in DATASETS:
        assert d.title in words
        for name in (f"{d.name}.csv", f"{d.name}.json", f"{d.name}.schema.json"):
            assert f'href="/open-data/{name}"' in body
            file = client.get(f"/open-data/{name}")
            assert file.status_code == 200 and "Set-Cookie" not in file.headers, name
            assert file.headers["ETag"] and file.headers["Last-Modified"]
            assert file.mimetype == ("text/csv" if name.endswith(".csv") else "application/json")
    assert 'href="/open-data/datapackage.json"' in body
    for secret in walked.secrets:
        assert secret not in body, secret


def test_the_files_are_cacheable(client: FlaskClient, programmes: Programmes, sample: ProgrammeView) -> None:
    programmes.publish(sample.id, True)
    first = client.get("/open-data/programmes.csv")
    again = client.get("/open-data/programmes.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/open-data/programmes.csv", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    programmes.edit(sample.id, name="Renamed partnership", description="", plan={})
    changed = client.get("/open-data/programmes.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"Renamed partnership" in changed.data
    assert client.get("/open-data/nothing.csv").status_code == 404


def test_the_command_writes_the_files_the_web_serves(
    cli: Any, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, tmp_path: Path
) -> None:
    walk(programmes, sample.id)
    out = tmp_path / "exported"
    cli("export", "open-data", out)
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3 * len(DATASETS) + 1
    for name in names:
        assert client.get(f"/open-data/{name}").data == (out / name).read_bytes(), name


def test_a_manager_publishes_from_the_edit_page_and_the_log_says_so(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    edit = f"/programmes/{sample.id}/edit"
    assert "Not published" in text_of(client.get(edit))
    response = post(client, f"/programmes/{sample.id}/publication", {"version": sample.version, "public": "yes"}, edit)
    assert response.status_code == 302
    show = text_of(client.get(f"/programmes/{sample.id}"))
    assert "Published as open data" in show and "Published on 4 January 2027" in show
    assert "Published the programme as open data" in text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert "Northbridge District Council" in client.get("/open-data/partners.csv").get_data(as_text=True)
    version = programmes.get(sample.id).version
    post(client, f"/programmes/{sample.id}/publication", {"version": version, "public": "no"}, edit)
    assert programmes.get(sample.id).published_at is None
    assert "Withdrew the programme's publication as open data" in text_of(client.get(f"/programmes/{sample.id}/audit"))
    assert [e.actor for e in programmes.history(sample.id)][-2:] == ["Priya Shah", "Priya Shah"]


def test_only_a_manager_may_publish_and_never_without_the_form_token(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    path = f"/programmes/{sample.id}/publication"
    session_as(client, app, EMAILS["tom"])  # a signatory
    assert "Publish as open data" not in text_of(client.get(f"/programmes/{sample.id}/edit"))
    assert (
        post(client, path, {"version": sample.version, "public": "yes"}, f"/programmes/{sample.id}").status_code == 403
    )
    session_as(client, app, EMAILS["priya"])
    assert client.post(path, data={"version": sample.version, "public": "yes"}).status_code == 400  # no CSRF token
    stale = post(client, path, {"version": sample.version - 1, "public": "yes"}, f"/programmes/{sample.id}")
    assert stale.status_code == 302 and "Someone else changed" in text_of(client.get(stale.headers["Location"]))
    assert programmes.get(sample.id).published_at is None
    assert [e.kind for e in programmes.history(sample.id)][-1] != "published"
