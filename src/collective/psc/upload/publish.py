"""What the upload actions do, as one straight pipeline each.

An upload: parse the form → check the filename → receive the archive
(stream, hash, size, duplicate check, core metadata read) → check the
archive's metadata → create the project, release and file and journal them →
apply the release metadata. Nothing is added to the center before every check
has passed, and each thing is parsed once and passed along.
"""

from collective.psc.constants import MIB
from collective.psc.controlpanel.settings import classifier_policy
from collective.psc.exceptions import DuplicateFile
from collective.psc.names import parse_filename
from collective.psc.names import ParsedFilename
from collective.psc.services import archives
from collective.psc.services import distributions
from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Release
from collective.psc.upload.form import UploadForm
from collective.psc.upload.validation import check_file_metadata
from collective.psc.upload.validation import check_filename
from collective.psc.upload.validation import check_form
from collective.psc.upload.validation import FileMetadata
from collective.psc.upload.validation import render_description
from typing import BinaryIO
from typing import cast


def upload_file(*, center: Center, form: UploadForm) -> Distribution | None:
    """Store an uploaded file; return None when the identical file is there already."""
    policy = classifier_policy()
    metadata = check_form(form, with_file=True, classifier_policy=policy)
    parsed = check_filename(form.filename or "", form.filetype, metadata)
    form_html = render_description(metadata)
    projects.check_may_upload(center=center, name=parsed.name)
    try:
        received = archives.receive_archive(
            center=center,
            parsed=parsed,
            # check_form refused a form without a file.
            stream=cast(BinaryIO, form.content),
            digests=form.digests,
            max_size=center.upload_size_limit * MIB,
        )
    except DuplicateFile:
        return None
    checked = check_file_metadata(
        received.core_metadata,
        parsed,
        form_name=metadata.name,
        form_version=str(metadata.version),
        classifier_policy=policy,
    )
    same_description = (
        checked.metadata.description,
        checked.metadata.description_content_type,
    ) == (metadata.description, metadata.description_content_type)
    return _add(
        center=center,
        received=received,
        parsed=parsed,
        checked=checked,
        description_html=form_html
        if same_description
        else render_description(checked.metadata),
    )


def publish_archive(
    *, center: Center, filename: str, stream: BinaryIO, sha256: str
) -> Distribution:
    """Store an archive that comes without an upload form, checked as an upload is.

    The archive's own core metadata stands for the form: its name and version
    must match the filename, as an upload's form must.
    """
    policy = classifier_policy()
    parsed = parse_filename(filename)
    projects.check_may_upload(center=center, name=parsed.name)
    received = archives.receive_archive(
        center=center,
        parsed=parsed,
        stream=stream,
        digests={"sha256": sha256},
        max_size=center.upload_size_limit * MIB,
    )
    checked = check_file_metadata(
        received.core_metadata,
        parsed,
        form_name=parsed.name,
        form_version=str(parsed.version),
        classifier_policy=policy,
    )
    check_filename(filename, parsed.package_type, checked.metadata)
    return _add(
        center=center,
        received=received,
        parsed=parsed,
        checked=checked,
        description_html=render_description(checked.metadata),
    )


def register(*, center: Center, form: UploadForm) -> Release:
    """Create or update a project and release from metadata alone (twine register)."""
    metadata = check_form(form, with_file=False, classifier_policy=classifier_policy())
    description_html = render_description(metadata)
    project, _created = projects.get_or_create_project(
        center=center, name=metadata.name, with_file=False
    )
    release, _created = releases.get_or_create_release(
        project=project, version=str(metadata.version)
    )
    releases.apply_release_metadata(
        release=release, metadata=metadata, description_html=description_html
    )
    return release


def _add(
    *,
    center: Center,
    received: Distribution,
    parsed: ParsedFilename,
    checked: FileMetadata,
    description_html: str | None,
) -> Distribution:
    distribution = distributions.add_distribution(
        center=center, distribution=received, parsed=parsed, fields=checked.fields
    )
    releases.apply_release_metadata(
        release=distribution.aq_parent,
        metadata=checked.metadata,
        description_html=description_html,
    )
    return distribution
