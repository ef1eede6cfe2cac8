"""Settings of the returns flow, beyond the runtime's (``BCX_RETURNS__*``): the rule file (whose
``returns_policy`` holds windows, fees and non-returnable categories), the address parcels go to when a
return names none, and which label provider prints shipping labels."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bcx.contracts.commerce_returns import ReturnAddress
from bcx.settings import ProcessSettings


class ReturnsConfig(BaseModel):
    """``BCX_RETURNS__*``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_path: Path | None = Field(default=None, description="routing rules; None = routing's default.yaml")
    return_address: ReturnAddress | None = Field(
        default=None,
        description="where parcels go when a return names none (BCX_RETURNS__RETURN_ADDRESS, JSON); no "
        "default: a made-up warehouse on a label would send real parcels nowhere",
    )
    support_email: str = Field(default="", description="shown on the letters as the contact for questions")
    label_provider: Literal["exstream"] = Field(
        default="exstream",
        description="who renders shipping labels: the Exstream label communication (a carrier's API is "
        "another LabelProvider; see consumers/returns/labels.py)",
    )


class ReturnsSettings(ProcessSettings):
    """The returns flow's options."""

    returns: ReturnsConfig = ReturnsConfig()
