"""Documents uploaded as evidence: checked by content (not by name), stored once by their SHA-256 under the
instance folder, downloadable only by people on the programme, their hash shown on the gate and kept in the
decision pack; evidence can be withdrawn, which unevidences the criterion and asks everyone again."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from web_support import COURTSHIP, EMAILS, csrf_token, session_as, start_programme, text_of
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from workflow.engine.documents import MAX_BYTES
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def upload(client: FlaskClient, view: ProgrammeView, content: bytes, name: str, criterion: str = "partners_named"):
    """Post the evidence form as a browser would; the body is encoded in memory (the test client's own
    encoder spools a large body to a temporary file it never closes)."""
    gate = f"/programmes/{view.id}/gate"
    fields = {
        "csrf_token": csrf_token(client, gate),
        "version": str(view.version),
        "criterion": criterion,
        "summary": "The statement of intent, signed by the three leaders",
        "link": "",
        "document": FileStorage(io.BytesIO(content), filename=name),
    }
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(f"{gate}/evidence", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_pdf_is_stored_by_its_hash_shown_and_downloaded_by_people_on_the_programme(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    assert upload(client, sample, PDF, "Statement of intent.PDF").status_code == 302
    digest = hashlib.sha256(PDF).hexdigest()
    assert (Path(app.instance_path) / "documents" / digest[:2] / digest).read_bytes() == PDF
    page = text_of(client.get(f"/programmes/{sample.id}/gate"))
    assert "Statement of intent.pdf" in page and digest in page
    session_as(client, app, EMAILS["sam"])  # an observer reads it
    got = client.get(f"/programmes/{sample.id}/documents/{digest}")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert "attachment" in got.headers["Content-Disposition"] and got.headers["X-Content-Type-Options"] == "nosniff"
    start_programme(programmes, "Westshire and Dale")
    session_as(client, app, "owen.other@westshire.example")  # on another programme only
    assert client.get(f"/programmes/{sample.id}/documents/{digest}").status_code == 404
    assert client.get(f"/programmes/{sample.id}/documents/{'0' * 64}").status_code == 404


def test_a_word_document_is_known_by_its_content(app: Flask, client: FlaskClient, sample: ProgrammeView) -> None:
    session_as(client, app, EMAILS["priya"])
    assert upload(client, sample, docx(), "minutes").status_code == 302
    assert "minutes.docx" in text_of(client.get(f"/programmes/{sample.id}/gate"))


def test_wrong_type_by_content_and_oversize_are_refused_and_nothing_is_recorded(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView
) -> None:
    session_as(client, app, EMAILS["priya"])
    for content, name, words in [
        (b"MZ\x90\x00" + b"\x00" * 200, "report.pdf", "must be a PDF, Word, Excel"),
        (b"just some text, not a PDF at all", "report.pdf", "must be a PDF, Word, Excel"),
        (b"%PDF-1.4\n" + b"0" * MAX_BYTES, "big.pdf", "must be smaller than 20 MB"),
    ]:
        answer = upload(client, sample, content, name)
        assert answer.status_code == 422, name
        assert words in text_of(answer), name
    assert programmes.get(sample.id).gate.evidence == ()  # type: ignore[union-attr]
    assert not (Path(app.instance_path) / "documents").exists()


def test_the_hash_is_kept_in_the_decision_pack_and_withdrawal_asks_again(
    app: Flask, client: FlaskClient, programmes: Programmes, sample: ProgrammeView, people: dict[str, int]
) -> None:
    session_as(client, app, EMAILS["priya"])
    upload(client, sample, PDF, "intent.pdf")
    for criterion in COURTSHIP[1:]:
        programmes.record_evidence(sample.id, criterion, "done")
    programmes.request_sign_off(sample.id)
    view = programmes.sign(sample.id, people["tom"], "approve", role="signatory")
    digest = hashlib.sha256(PDF).hexdigest()
    pack = view.gate.sign_offs[0].pack_hash  # type: ignore[union-attr]
    assert digest in text_of(client.get(f"/programmes/{sample.id}/packs/{pack}"))

    gate = f"/programmes/{sample.id}/gate"
    answer = client.post(
        f"{gate}/evidence/withdraw",
        data={
            "csrf_token": csrf_token(client, gate),
            "version": str(view.version),
            "criterion": "partners_named",
            "reason": "The wrong draft was uploaded",
        },
    )
    assert answer.status_code == 302
    after = programmes.get(sample.id)
    assert after.gate is not None and not after.gate.request_open  # everyone will be asked again
    assert "partners_named" not in {e.criterion for e in after.gate.evidence}
    assert programmes.history(sample.id)[-1].kind == "evidence_withdrawn"
    assert digest in text_of(client.get(f"/programmes/{sample.id}/packs/{pack}"))  # the pack still shows it
