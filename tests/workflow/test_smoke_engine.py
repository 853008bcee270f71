from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView


def test_sample_starts_at_courtship_and_reloads_equal(programmes: Programmes, sample: ProgrammeView) -> None:
    assert sample.state == "courtship"
    assert programmes.get(sample.id) == sample


def test_cli_lists_the_sample(cli, sample: ProgrammeView) -> None:
    assert sample.name in cli("programme", "list").output
