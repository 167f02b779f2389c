"""Admin ingest upload: zip or multipart files, validated completely before anything is written,
errors naming file, line and field, and the retrieval index brought up to date."""

from __future__ import annotations

import io
import zipfile

from teamgraph.graph.model import Case, Person, PersonSkill
from teamgraph.ingest.writer import write_folder

NEW_PERSON = Person("kim", "Kim Sato", "kim@example.org", "eng", "Platform engineer", "Osaka", "Asia/Tokyo")
NEW_CASE = Case("c-9", "Helm chart drift across clusters", "Clusters drifted from the charts in git.",
                "Introduced GitOps reconciliation.", "Drift incidents stopped.", "Reconcile clusters from git.",
                department="eng", skills=("k8s",), authors=("kim",))


def _zip(folder, prefix: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, prefix + f.relative_to(folder).as_posix())
    return buf.getvalue()


def _folder(tmp_path, *records):
    folder = tmp_path / "upload"
    write_folder(folder, records)
    return folder


def test_admin_uploads_a_zip_and_it_is_searchable_at_once(client, auth, tmp_path, service):
    folder = _folder(tmp_path, NEW_PERSON, PersonSkill("kim", "k8s", 4, "confirmed"), NEW_CASE)
    query = "/api/v1/cases/similar?q=helm+chart+drift+gitops"
    assert "c-9" not in client.get(query, headers=auth("member")).get_data(as_text=True)  # index loaded
    before = service.store.revision()
    resp = client.post("/api/v1/ingest", data=_zip(folder, "org/"), content_type="application/zip",
                       headers=auth("admin"))
    assert resp.status_code == 200, resp.get_json()
    report = resp.get_json()
    assert report["written"] == 3 and not report["dry_run"]
    assert report["index"]["revision"] == service.store.revision()  # updated, not rebuilt later
    assert service.store.revision() > before
    assert client.get("/api/v1/people/kim", headers=auth("hr")).status_code == 200
    hits = client.get(query, headers=auth("member")).get_json()
    assert hits["cases"][0]["id"] == "c-9"


def test_multipart_files_and_dry_run_write_nothing(client, auth, tmp_path, service):
    folder = _folder(tmp_path, NEW_PERSON)
    before = service.store.revision()
    with open(folder / "people.csv", "rb") as f:
        resp = client.post("/api/v1/ingest?dry_run=1", data={"files": [(f, "people.csv")]},
                           content_type="multipart/form-data", headers=auth("admin"))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["dry_run"] is True and resp.get_json()["kinds"]["person"]["written"] == 1
    assert service.store.revision() == before
    assert service.store.get("person", "kim") is None


def test_invalid_upload_names_file_line_field_and_writes_nothing(client, auth, tmp_path, service):
    folder = _folder(tmp_path, NEW_PERSON, Person("lee", "Lee Park", "lee@example.org", "eng"))
    text = (folder / "people.csv").read_text().replace("lee@example.org", "not-an-email")
    (folder / "people.csv").write_text(text)
    before = service.store.revision()
    resp = client.post("/api/v1/ingest", data=_zip(folder), content_type="application/zip", headers=auth("admin"))
    assert resp.status_code == 400
    body = resp.get_json()
    problem = next(f for f in body["fields"] if f.get("field") == "email")
    assert problem["file"] == "people.csv" and problem["line"] == 3
    assert "teamgraph-upload" not in resp.get_data(as_text=True)  # no server paths
    assert service.store.revision() == before and service.store.get("person", "kim") is None


def test_unsafe_paths_and_non_zips_are_refused(client, auth):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../etc/evil.csv", "x")
    resp = client.post("/api/v1/ingest", data=buf.getvalue(), content_type="application/zip", headers=auth("admin"))
    assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "archive"
    resp = client.post("/api/v1/ingest", data=b"not a zip", content_type="application/zip", headers=auth("admin"))
    assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "archive"
    resp = client.post("/api/v1/ingest", headers=auth("admin"))
    assert resp.status_code == 400 and resp.get_json()["fields"][0]["field"] == "body"


def test_only_admins_may_ingest(client, auth, tmp_path):
    data = _zip(_folder(tmp_path, NEW_PERSON))
    for role in ("sponsor", "member", "hr"):
        resp = client.post("/api/v1/ingest", data=data, content_type="application/zip", headers=auth(role))
        assert resp.status_code == 403
