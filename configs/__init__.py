"""Municipality and region configs shipped with Stafett (one TOML file each)."""

from __future__ import annotations

from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
DEMO_CONFIG = CONFIG_DIR / "demo.toml"
REGION_CONFIG = CONFIG_DIR / "demo-region.toml"  # the region-scale demo data set (core/seed_region)
