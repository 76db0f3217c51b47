from django.apps import AppConfig


class StatemachineTestsConfig(AppConfig):
    name = "gonghui.core.tests.workflow"
    label = "statemachine_tests"
