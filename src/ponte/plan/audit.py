"""Every change to plan data is kept by django-auditlog (who, when, old → new)."""

from auditlog.registry import auditlog

from ponte.core.models import Organisation, Person

from .models import (
    Action,
    ActionDocument,
    ActionUpdate,
    Axis,
    AxisItem,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Line,
    MacroArea,
    Milestone,
    Plan,
)

for model in (Plan, ActionUpdate, ActionDocument, Axis, AxisItem, IndicatorTarget, IndicatorValue, Milestone, Person):
    auditlog.register(model)
auditlog.register(MacroArea, m2m_fields={"alignments"})
auditlog.register(Line, m2m_fields={"alignments"})
auditlog.register(Action, m2m_fields={"partners", "alignments"})
auditlog.register(Indicator, m2m_fields={"alignments"})
auditlog.register(Organisation)
