"""Dependencies of the read side: the read models and who may read repairs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException

from api.deps import PrincipalDep, ServicesDep
from application.keys import Principal
from infrastructure.views.read_models import ReadModels

REPAIR_READ_SCOPES = frozenset({"audit", "review"})


def get_read_models(services: ServicesDep) -> ReadModels:
    return services.read_models


ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]


def get_repair_reader(principal: PrincipalDep) -> Principal:
    """Repair history is audited work: auditors and the reviewers deciding it."""
    if not principal.scopes & REPAIR_READ_SCOPES:
        raise HTTPException(403, "Reading repairs needs the 'audit' or 'review' scope")
    return principal


RepairReaderDep = Annotated[Principal, Depends(get_repair_reader)]
