//! The docs say only what the code and the template hold: the route and schedule tables against
//! template.yaml, every template parameter in docs/deploy.md, every environment variable the code
//! reads in docs/configuration.md (and no other), every metric and notification-rejection reason,
//! every error code with its status, the OpenAPI enums of payment channels against the code, a
//! short README, no reference to files outside the repository, and the cost per life (and per
//! step of a whole life, beside the least it can cost) that docs/performance.md gives is the
//! committed benchmark's; the bound of a filtered list page in docs/limits.md is the store's.

use orders_dev::{repo_root, template, template_path};
use orders_shared::adapters::metrics;
use orders_shared::domain::payment::PaymentChannel;
use orders_shared::error::{ApiError, Rejection};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn read(relative: &str) -> String {
    let path = repo_root().unwrap().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The cells of every table row of a markdown text whose first cell matches `keep`.
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("|---") && !line.starts_with("| ---"))
        .map(|line| line.trim().trim_matches('|').split('|').map(|cell| cell.trim().to_string()).collect())
        .collect()
}

/// The `backticked` words of a cell.
fn quoted(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The section of a markdown text under `heading`, to the next heading of the same level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(heading).unwrap_or_else(|| panic!("no section {heading}"));
    let level = heading.chars().take_while(|c| *c == '#').count();
    let rest = &text[start + heading.len()..];
    let end = rest
        .lines()
        .scan(0usize, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| line.starts_with('#') && line.chars().take_while(|c| *c == '#').count() <= level)
        .map_or(rest.len(), |(at, _)| at);
    &rest[..end]
}

#[test]
fn the_route_and_schedule_tables_are_template_yamls() {
    let template = template::load(&template_path().unwrap()).unwrap();
    let docs = read("docs/routes.md");
    let documented: BTreeSet<(String, String, String)> = rows(section(&docs, "# Routes"))
        .into_iter()
        .filter(|cells| cells.len() == 4 && cells[0] != "method")
        .map(|cells| (cells[0].clone(), quoted(&cells[1]).concat(), quoted(&cells[2]).concat()))
        .collect();
    let deployed: BTreeSet<(String, String, String)> =
        template::routes(&template).into_iter().map(|route| (route.method, route.path, route.function)).collect();
    assert_eq!(documented, deployed, "docs/routes.md's route table against template.yaml");
    let schedules: BTreeSet<String> = rows(section(&docs, "## Schedules"))
        .into_iter()
        .filter(|cells| cells.len() == 3 && cells[0] != "rate")
        .map(|cells| quoted(&cells[1]).concat())
        .collect();
    let scheduled: BTreeSet<String> = template::scheduled_functions(&template).into_iter().collect();
    assert_eq!(schedules, scheduled, "docs/routes.md's schedules against template.yaml");
}

#[test]
fn every_template_parameter_is_documented_and_no_other() {
    let template = template::load(&template_path().unwrap()).unwrap();
    let parameters: BTreeSet<String> = template
        .get("Parameters")
        .and_then(|parameters| parameters.as_mapping())
        .expect("Parameters")
        .keys()
        .filter_map(|key| key.as_str().map(str::to_string))
        .collect();
    let docs = read("docs/deploy.md");
    let documented: BTreeSet<String> = rows(section(&docs, "## Parameters"))
        .into_iter()
        .filter(|cells| cells.len() == 3 && cells[0] != "parameter")
        .flat_map(|cells| quoted(&cells[0]))
        .collect();
    assert_eq!(documented, parameters, "docs/deploy.md's parameter table against template.yaml");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Environment variables the code reads: the names in `std::env::var("NAME")` and the readers
/// named `*var`, `env_or`, `set`, `list` or `required`, in `*_VARIABLE`/`*_VAR` constants, and the
/// names given to `Secret::from_env`; test modules left out.
fn variables_read() -> BTreeSet<String> {
    let root = repo_root().unwrap();
    let mut files = Vec::new();
    for dir in ["shared/src", "dev/src", "bench/src", "tests/src", "functions"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let literal_after = |marker: &str, found: &mut BTreeSet<String>| {
            for piece in code.split(marker).skip(1) {
                let piece = piece.trim_start();
                if let Some(rest) = piece.strip_prefix('"') {
                    let name: String = rest.chars().take_while(|c| *c != '"').collect();
                    if !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    {
                        found.insert(name);
                    }
                }
            }
        };
        for marker in ["var(", "env_or(", "set(", "list(", "required(", "_VARIABLE: &str =", "_VAR: &str ="] {
            literal_after(marker, &mut found);
        }
        for call in code.split("Secret::from_env(").skip(1) {
            let arguments = call.split(')').next().unwrap_or_default();
            for name in arguments.split('"').skip(1).step_by(2) {
                if name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
                    found.insert(name.to_string());
                }
            }
        }
    }
    found
}

#[test]
fn every_variable_the_code_reads_is_in_the_configuration_tables_and_no_other() {
    let read_by_code = variables_read();
    assert!(read_by_code.contains("TABLE_NAME") && read_by_code.contains("ORDERS_TLS_ROOTS"), "{read_by_code:?}");
    let docs = read("docs/configuration.md");
    let documented: BTreeSet<String> =
        rows(&docs).into_iter().filter(|cells| cells[0] != "variable").flat_map(|cells| quoted(&cells[0])).collect();
    let undocumented: Vec<&String> = read_by_code.difference(&documented).collect();
    let unread: Vec<&String> = documented.difference(&read_by_code).collect();
    assert!(undocumented.is_empty(), "read by the code, missing from docs/configuration.md: {undocumented:?}");
    assert!(unread.is_empty(), "in docs/configuration.md, read by no code: {unread:?}");
}

#[test]
fn every_metric_and_rejection_reason_is_documented_and_no_other() {
    let docs = read("docs/observability.md");
    let tables = rows(&docs);
    let metrics_documented: BTreeSet<String> = tables
        .iter()
        .filter(|cells| cells.len() == 3 && cells[0] != "metric")
        .flat_map(|cells| quoted(&cells[0]))
        .collect();
    let metrics_written: BTreeSet<String> = metrics::ALL.iter().map(|name| name.to_string()).collect();
    assert_eq!(metrics_documented, metrics_written, "docs/observability.md's metrics against metrics::ALL");
    let reasons_documented: BTreeSet<String> = tables
        .iter()
        .filter(|cells| cells.len() == 2 && cells[0] != "reason")
        .flat_map(|cells| quoted(&cells[0]))
        .collect();
    let reasons: BTreeSet<String> = Rejection::ALL.iter().map(|reason| reason.as_str().to_string()).collect();
    assert_eq!(reasons_documented, reasons, "docs/observability.md's rejection reasons against Rejection::ALL");
}

#[test]
fn every_error_code_and_status_is_in_the_wire_table() {
    let docs = read("docs/wire.md");
    let documented: BTreeSet<(u32, u16)> = rows(&docs)
        .into_iter()
        .filter(|cells| cells.len() == 3 && cells[0].parse::<u32>().is_ok())
        .flat_map(|cells| {
            let code: u32 = cells[0].parse().unwrap();
            cells[2].split('/').map(|status| (code, status.trim().parse::<u16>().unwrap())).collect::<Vec<_>>()
        })
        .collect();
    let answered: BTreeSet<(u32, u16)> =
        ApiError::one_of_each().iter().map(|error| (error.code(), error.status().as_u16())).collect();
    assert_eq!(documented, answered, "docs/wire.md's error table against shared/src/error.rs");
}

#[test]
fn the_descriptions_channel_enums_are_the_codes() {
    let doc: serde_json::Value = serde_json::from_str(&orders_shared::http::openapi::openapi_json().unwrap()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let names = |value: &serde_json::Value| -> BTreeSet<String> {
        value.as_array().expect("an enum").iter().map(|name| name.as_str().unwrap().to_string()).collect()
    };
    let channels: BTreeSet<String> = PaymentChannel::ALL.iter().map(|channel| channel.as_str().to_string()).collect();
    assert_eq!(names(&schemas["PaymentChannel"]["enum"]), channels, "PaymentBody's channel");
    let pay_channels: BTreeSet<String> =
        PaymentChannel::pay_channel_names().iter().map(|name| name.to_string()).collect();
    let create = &schemas["CreateOrderBody"]["properties"]["pay_channel"];
    let listed = if create["enum"].is_array() { &create["enum"] } else { &create["oneOf"][0]["enum"] };
    assert_eq!(names(listed), pay_channels, "CreateOrderBody's pay_channel");
    assert_eq!(names(&schemas["PaymentBody"]["properties"]["channel"]["enum"]), pay_channels, "PaymentBody's channel");
    let methods: BTreeSet<String> = PaymentChannel::ALL
        .iter()
        .flat_map(|channel| channel.methods())
        .map(|method| method.as_str().to_string())
        .collect();
    assert_eq!(names(&schemas["PaymentMethod"]["enum"]), methods, "the methods");
    let fields: BTreeSet<String> =
        PaymentChannel::ALL.iter().filter_map(|channel| channel.client_params_field()).map(String::from).collect();
    let answered: BTreeSet<String> =
        schemas["ClientParamsView"]["properties"].as_object().expect("fields").keys().cloned().collect();
    assert_eq!(answered, fields, "a start's answer has a field per money channel");
    let committed: serde_json::Value = serde_json::from_str(&read("docs/openapi.json")).unwrap();
    assert_eq!(names(&committed["components"]["schemas"]["PaymentChannel"]["enum"]), channels);
    // Every money channel's notification route is in the README's table and docs/routes.md.
    for channel in PaymentChannel::ALL.into_iter().filter(|channel| channel.takes_money()) {
        let path = format!("/payments/{}/notify", channel.as_str());
        assert!(read("README.md").contains(&path), "README.md lists {path}");
        assert!(read("docs/routes.md").contains(&path), "docs/routes.md lists {path}");
    }
}

#[test]
fn the_readme_is_short_and_no_document_points_outside_the_repository() {
    let readme = read("README.md");
    assert!(readme.lines().count() <= 200, "README.md: {} lines", readme.lines().count());
    let root = repo_root().unwrap();
    let mut documents = vec![root.join("README.md"), root.join("CONTRIBUTING.md"), root.join("CHANGELOG.md")];
    for entry in walk(&root.join("docs")) {
        if entry.extension().is_some_and(|ext| ext == "md") {
            documents.push(entry);
        }
    }
    for document in documents {
        let text = std::fs::read_to_string(&document).unwrap();
        for outside in ["../shared", "SPEC.md", "seed 00", "Seed 00"] {
            assert!(
                !text.contains(outside),
                "{} refers to {outside:?}, which a reader does not have",
                document.display()
            );
        }
        // Every relative link names a file of the repository.
        for link in text.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
            if link.starts_with("http") || link.starts_with('#') {
                continue;
            }
            let target = document.parent().unwrap().join(link.split('#').next().unwrap());
            assert!(target.exists(), "{} links to {link}, which does not exist", document.display());
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_event_type_is_in_the_events_table_and_no_other() {
    let docs = read("docs/events.md");
    let documented: BTreeSet<String> = rows(section(&docs, "## The events"))
        .into_iter()
        .filter(|cells| cells.len() == 2 && cells[0] != "type")
        .flat_map(|cells| quoted(&cells[0]))
        .collect();
    let types: BTreeSet<String> =
        orders_shared::domain::events::EventType::ALL.iter().map(|kind| kind.as_str().to_string()).collect();
    assert_eq!(documented, types, "docs/events.md's event types against EventType::ALL");
}

#[test]
fn the_cost_per_life_in_the_performance_page_is_the_committed_benchmarks() {
    let results: serde_json::Value = serde_json::from_str(&read("bench/results.json")).unwrap();
    let measured = &results["order_cost"];
    let docs = read("docs/performance.md");
    let documented: Vec<Vec<String>> =
        rows(&docs).into_iter().filter(|cells| cells[0].starts_with("create →")).collect();
    let mut lives = BTreeSet::new();
    for cells in &documented {
        let life = cells[0].as_str();
        let name = if life.ends_with("review") {
            "life"
        } else if life.ends_with("cancel") {
            "cancelled"
        } else if life.contains("return") {
            "returned"
        } else {
            "refunded"
        };
        let total = &measured[name]["total"];
        let figures = |key: &str, decimals: usize| format!("{:.*}", decimals, total[key].as_f64().unwrap_or(f64::NAN));
        assert_eq!(cells[1], figures("read_units", 1), "read units of {life}");
        assert_eq!(cells[2], figures("write_units", 0), "write units of {life}");
        lives.insert(name);
    }
    assert_eq!(lives.len(), 4, "docs/performance.md's cost table names every measured life once: {documented:?}");
}

#[test]
fn the_least_a_life_can_cost_is_set_beside_the_committed_benchmarks() {
    let results: serde_json::Value = serde_json::from_str(&read("bench/results.json")).unwrap();
    let life = &results["order_cost"]["life"];
    let docs = read("docs/performance.md");
    let start =
        docs.find("**The least a whole life can cost").expect("the least a life can cost, in docs/performance.md");
    let table: String = docs[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n");
    let number = |cell: &str| cell.trim_matches('*').parse::<f64>().unwrap_or_else(|_| panic!("not a number: {cell}"));
    let rows: Vec<Vec<String>> = rows(&table).into_iter().skip(1).collect();
    let (total, steps) = rows.split_last().expect("a whole-life row");
    let measured = life["steps"].as_array().expect("the life's steps");
    assert_eq!(steps.len(), measured.len(), "one row per measured step of a whole life");
    for (row, step) in steps.iter().zip(measured) {
        assert_eq!(number(&row[4]), step["write_units"].as_f64().unwrap(), "measured write units of {}", row[0]);
    }
    assert_eq!(number(&total[4]), life["total"]["write_units"].as_f64().unwrap(), "a whole life, measured");
    let least: f64 = steps.iter().map(|row| number(&row[3])).sum();
    assert_eq!(number(&total[3]), least, "the least of a whole life is the sum of its steps'");
}

#[test]
fn the_bound_of_a_filtered_list_page_is_the_stores() {
    let pages = orders_shared::adapters::store::MAX_QUERY_PAGES;
    let limits = read("docs/limits.md").split_whitespace().collect::<Vec<_>>().join(" ");
    let bound = format!("reads at most {pages} × (`limit` + 1) orders of its partition, in at most {pages} Queries");
    assert!(limits.contains(&bound), "docs/limits.md must say: {bound}");
}
