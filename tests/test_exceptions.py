"""Service errors: English for clients and the command line, translated on pages."""

from collective.psc.exceptions import ProjectNotFound
from collective.psc.services import projects
from zope.i18n import translate

import pytest


def test_error_message_is_english_and_its_translatable_is_german(center):
    with pytest.raises(ProjectNotFound) as raised:
        projects.get_project(center=center, name="no-such-project")
    error = raised.value
    assert error.message == "There is no project 'no-such-project' in this index."
    assert str(error) == error.message
    german = translate(error.translatable, target_language="de")
    assert german == "In diesem Index gibt es kein Projekt 'no-such-project'."


def test_plain_message_stays_as_given():
    error = ProjectNotFound("No project here.")
    assert error.message == error.translatable == "No project here."
