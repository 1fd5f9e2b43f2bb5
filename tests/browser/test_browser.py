#!/usr/bin/python3
# tests/browser/test_browser.py
# Opens each kind of HTML report (run, compare, batch) in Debian's headless
# Chromium through chromedriver and checks that it renders: the page loads
# with no console error, each chart is there with the number of bars the
# inputs call for (counted here from the document and the command line, not
# from the report), and a screenshot of the page is not blank. Prints cmocka's
# summary lines so tests/run-tests.sh counts it like the others.
#
# usage: BUDGET_BIN=build/budget tests/browser/test_browser.py [SHOT_DIR]
# With SHOT_DIR, the screenshots of the charts the README shows are written there.
# See LICENSE for copyright and license.

import os
import re
import subprocess
import sys
import tempfile
import traceback

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BUDGET = os.environ.get("BUDGET_BIN", "build/budget")
MODEL = "models/sast-2021.lua"
DOCUMENT = "models/sast-2021.txt"
SHOTS = sys.argv[1] if len(sys.argv) > 1 else None

# The scenario the run report explains; the waterfall has the base, a bar for
# each of its operations and the scenario.
SCRIPT = "scripts/three-steps.lua"
with open(SCRIPT, encoding="utf-8") as _f:
    # a bar a step that moves an amount; a hold or a release moves none and draws no bar
    STEPS = len(re.findall(r"^s:(?:cut|scale|set|add|transfer)\(", _f.read(), re.M))
SWEEP = ("rate", "0%", "10%", "0.5%")


def classes():
    """The 类 of the spending table: the rows whose code is three digits alone."""
    with open(DOCUMENT, encoding="utf-8") as f:
        doc = f.read()
    section = doc.split("2021年部门支出预算总表", 1)[1].split("2021年部门财政拨款收支预算总表", 1)[0]
    return re.findall(r"\n(\d{3}) [^\d\s]\S* [\d,]+", section)


def sweep_points():
    """The points of the sweep: FROM to TO by STEP, both ends in."""
    _, lo, hi, step = SWEEP
    lo, hi, step = (float(x.rstrip("%")) for x in (lo, hi, step))
    return int(round((hi - lo) / step)) + 1


def budget(*args):
    """Runs the command; a report's exit is 0 or 1 (1: the scenario breaks a rule)."""
    p = subprocess.run([BUDGET, *args], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise AssertionError(f"budget {' '.join(args)}: exit {p.returncode}: {p.stderr}")


def make_reports(tmp):
    run = os.path.join(tmp, "run.html")
    compare = os.path.join(tmp, "compare.html")
    batch = os.path.join(tmp, "batch.html")
    budget("run", SCRIPT, "--model", MODEL, "--format", "html", "-o", run)
    budget("compare", MODEL, "scripts/cut-science-5pct.lua", "scripts/hold-personnel-cut-3pct.lua",
           "--format", "html", "-o", compare)
    name, lo, hi, step = SWEEP
    budget("batch", "scripts/sweep-science.lua", "--model", MODEL, "--param", f"{name}={lo}:{hi}:{step}",
           "--format", "html", "-o", batch)
    return run, compare, batch


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1200,900", "--hide-scrollbars", "--force-device-scale-factor=1"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)


def bars(driver, label_start):
    """The bars of the chart whose aria-label starts with label_start."""
    charts = [c for c in driver.find_elements(By.CSS_SELECTOR, "svg.chart")
              if (c.get_attribute("aria-label") or "").startswith(label_start)]
    assert charts, f"no chart '{label_start}...'"
    return charts[0], charts[0].find_elements(By.CSS_SELECTOR, "rect.bar")


def check_page(driver, path, shot):
    driver.get("file://" + os.path.abspath(path))
    assert driver.execute_script("return document.readyState") == "complete", "the page did not load"
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, f"console errors: {errors}"
    driver.save_screenshot(shot)
    with Image.open(shot) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 16, "the screenshot is blank"
    # every bar the browser laid out has a size: the SVG rendered, not just parsed
    for r in driver.find_elements(By.CSS_SELECTOR, "rect.bar"):
        box = r.rect
        assert box["width"] > 0 and box["height"] > 0, "a bar with no size"


def element_shot(driver, element, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        driver.execute_script("arguments[0].scrollIntoView()", element)
        element.screenshot(os.path.join(SHOTS, name))


def main():
    tests = []
    with tempfile.TemporaryDirectory() as tmp:
        run, compare, batch = make_reports(tmp)
        n_classes = len(classes())
        driver = browser()
        try:
            def test_run():
                check_page(driver, run, os.path.join(tmp, "run.png"))
                chart, found = bars(driver, "Waterfall of 支出")
                assert len(found) == STEPS + 2, f"waterfall: {len(found)} bars, not {STEPS + 2}"
                element_shot(driver, chart, "waterfall.png")
                _, found = bars(driver, "支出 by 功能分类: base and scenario")
                assert len(found) == 2 * n_classes, f"bars per 类: {len(found)}, not {2 * n_classes}"
                # the three steps break one rule, a warning (人员经费 takes its share of the carried cut)
                hot = driver.find_elements(By.CSS_SELECTOR, "tr.violation.warning")
                assert hot, "the broken rule is not highlighted"

            def test_compare():
                check_page(driver, compare, os.path.join(tmp, "compare.png"))
                chart, found = bars(driver, "支出 by 功能分类: base and")
                assert len(found) == 3 * n_classes, f"comparison: {len(found)} bars, not {3 * n_classes}"
                element_shot(driver, chart, "compare.png")

            def test_batch():
                check_page(driver, batch, os.path.join(tmp, "batch.png"))
                chart, found = bars(driver, "rate against")
                assert len(found) == sweep_points(), f"sweep: {len(found)} bars, not {sweep_points()}"
                points = chart.find_elements(By.CSS_SELECTOR, "circle.point")
                assert len(points) == 2 * sweep_points(), "a point a column of amounts a sweep point"
                element_shot(driver, chart, "sweep.png")

            tests = [("the run report renders: waterfall of 3 steps, bars per 类, violations highlighted", test_run),
                     ("the comparison renders: three bars a 类", test_compare),
                     ("the batch report renders: a bar a sweep point", test_batch)]
            print(f"[==========] Running {len(tests)} test(s).")
            failed = []
            for name, fn in tests:
                print(f"[ RUN      ] {name}")
                try:
                    fn()
                    print(f"[       OK ] {name}")
                except Exception:
                    print("[  ERROR   ] --- " + traceback.format_exc())
                    print(f"[  FAILED  ] {name}")
                    failed.append(name)
        finally:
            driver.quit()
    print(f"[==========] {len(tests)} test(s) run.")
    print(f"[  PASSED  ] {len(tests) - len(failed)} test(s).")
    if failed:
        print(f"[  FAILED  ] {len(failed)} test(s), listed below:")
        for n in failed:
            print(f"[  FAILED  ] {n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
