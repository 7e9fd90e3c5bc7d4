//! The shape of the code, checked so it cannot drift: no file of the shared crate (tests
//! included) or of the local stack (`dev/src`) over 500 lines, no module importing one that
//! imports it back (directly or through others), layers that only depend downwards (the domain on
//! nothing else, use cases not on HTTP), and handlers that only parse, call one use case and
//! respond (30 code lines at most).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn shared_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// `adapters/http/bodies/mod.rs` -> `adapters::http::bodies`; `lib.rs` -> "".
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).expect("under src").with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|last| last == "mod" || last == "lib") {
        parts.pop();
    }
    parts
}

/// Every path a file names: its `use` trees, flattened, and paths written out in its code
/// (`crate::...`, `super::...`); test modules left out. Also its `mod` declarations.
#[derive(Default)]
struct Names {
    paths: Vec<Vec<String>>,
    children: BTreeSet<String>,
}

fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            flatten(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => out.push([prefix.clone(), vec![name.ident.to_string()]].concat()),
        syn::UseTree::Rename(rename) => out.push([prefix.clone(), vec![rename.ident.to_string()]].concat()),
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(group) => group.items.iter().for_each(|item| flatten(item, prefix, out)),
    }
}

fn is_test_module(module: &syn::ItemMod) -> bool {
    module.attrs.iter().any(|attr| attr.path().is_ident("cfg") && attr.meta.to_token_stream_string().contains("test"))
}

trait MetaText {
    fn to_token_stream_string(&self) -> String;
}

impl MetaText for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        if is_test_module(module) {
            return;
        }
        if module.content.is_none() {
            self.children.insert(module.ident.to_string());
        }
        syn::visit::visit_item_mod(self, module);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        flatten(&item.tree, &mut Vec::new(), &mut self.paths);
    }

    /// `pub(super)` names a module but imports nothing.
    fn visit_visibility(&mut self, _visibility: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|segment| segment.ident.to_string()).collect();
        if segments.first().is_some_and(|first| first == "crate" || first == "super") {
            self.paths.push(segments);
        }
        syn::visit::visit_path(self, path);
    }
}

struct Crate {
    /// Module path -> its file.
    files: BTreeMap<String, PathBuf>,
    /// Module -> the modules it imports.
    imports: BTreeMap<String, BTreeSet<String>>,
}

fn read_crate() -> Crate {
    let root = shared_src();
    let mut paths = Vec::new();
    rust_files(&root, &mut paths);
    let files: BTreeMap<String, PathBuf> =
        paths.iter().map(|file| (module_of(&root, file).join("::"), file.clone())).collect();
    // What lib.rs re-exports at the root (`crate::App` is `app::App`).
    let lib = syn::parse_file(&std::fs::read_to_string(root.join("lib.rs")).unwrap()).unwrap();
    let mut root_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(item) = item {
            let mut flat = Vec::new();
            flatten(&item.tree, &mut Vec::new(), &mut flat);
            for path in flat {
                root_names.insert(path.last().cloned().unwrap_or_default(), path);
            }
        }
    }
    let resolve = |segments: &[String]| -> Option<String> {
        let mut segments = segments.to_vec();
        if let Some(expanded) = segments.first().and_then(|first| root_names.get(first)) {
            segments = [expanded.clone(), segments[1..].to_vec()].concat();
        }
        (1..=segments.len()).rev().map(|n| segments[..n].join("::")).find(|module| files.contains_key(module))
    };
    let mut imports = BTreeMap::new();
    for (module, file) in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let mut names = Names::default();
        names.visit_file(&syntax);
        let own: Vec<String> =
            if module.is_empty() { Vec::new() } else { module.split("::").map(String::from).collect() };
        let mut targets = BTreeSet::new();
        for path in &names.paths {
            let target = match path.first().map(String::as_str) {
                Some("crate") => resolve(&path[1..]),
                Some("super") => {
                    let mut base = own[..own.len().saturating_sub(1)].to_vec();
                    let mut rest = &path[1..];
                    while rest.first().is_some_and(|first| first == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    resolve(&[base, rest.to_vec()].concat())
                }
                Some("self") => resolve(&[own.clone(), path[1..].to_vec()].concat()),
                Some(first) if names.children.contains(first) => resolve(&[own.clone(), path.clone()].concat()),
                _ => None,
            };
            if let Some(target) = target.filter(|target| target != module && !target.is_empty()) {
                targets.insert(target);
            }
        }
        imports.insert(module.clone(), targets);
    }
    Crate { files, imports }
}

/// Modules that import each other through a chain, as the chains found.
fn cycles(imports: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        module: &str,
        imports: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, bool>,
        path: &mut Vec<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        state.insert(module.to_string(), false);
        path.push(module.to_string());
        for next in imports.get(module).into_iter().flatten() {
            match state.get(next) {
                Some(false) => {
                    let start = path.iter().position(|m| m == next).unwrap_or(0);
                    found.push([path[start..].to_vec(), vec![next.clone()]].concat());
                }
                Some(true) => {}
                None => visit(next, imports, state, path, found),
            }
        }
        path.pop();
        state.insert(module.to_string(), true);
    }
    let (mut state, mut found) = (BTreeMap::new(), Vec::new());
    for module in imports.keys() {
        if !state.contains_key(module) {
            visit(module, imports, &mut state, &mut Vec::new(), &mut found);
        }
    }
    found
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let shape = read_crate();
    assert!(shape.files.len() > 50, "the crate was read: {} files", shape.files.len());
    assert!(
        shape.imports["adapters::http::openapi"].contains("adapters::http::bodies"),
        "imports are seen: {:?}",
        shape.imports["adapters::http::openapi"]
    );
    let found = cycles(&shape.imports);
    let shown: Vec<String> = found.iter().map(|chain| chain.join(" -> ")).collect();
    assert!(found.is_empty(), "import cycles:\n{}", shown.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let imports: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
        ("d".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(cycles(&imports), vec![vec!["a", "b", "c", "a"]]);
}

#[test]
fn layers_only_depend_downwards() {
    let shape = read_crate();
    for (module, targets) in &shape.imports {
        for target in targets {
            let refused = (module.starts_with("domain") && !target.starts_with("domain") && target != "error")
                || (module.starts_with("app") && target.starts_with("adapters::http"))
                || (module == "error" && !target.starts_with("domain::time"));
            assert!(!refused, "{module} imports {target}: a lower layer may not import a higher one");
        }
    }
}

#[test]
fn no_file_of_the_shared_crate_is_over_500_lines() {
    let shape = read_crate();
    for file in shape.files.values() {
        let lines = std::fs::read_to_string(file).unwrap().lines().count();
        assert!(lines <= 500, "{}: {lines} lines; split it by feature", file.display());
    }
}

#[test]
fn no_file_of_the_local_stack_is_over_500_lines() {
    let mut files = Vec::new();
    rust_files(&shared_src().join("../../dev/src"), &mut files);
    assert!(!files.is_empty(), "dev/src");
    for file in files {
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        assert!(lines <= 500, "{}: {lines} lines; split it by feature", file.display());
    }
}

#[test]
fn every_handler_is_at_most_30_code_lines() {
    let functions = shared_src().join("../../functions");
    let mut checked = 0;
    for entry in std::fs::read_dir(&functions).expect("functions/").flatten() {
        let lib = entry.path().join("src/lib.rs");
        let Ok(text) = std::fs::read_to_string(&lib) else { continue };
        let code = text.lines().filter(|line| !line.trim().is_empty() && !line.trim().starts_with("//")).count();
        assert!(code <= 30, "{}: {code} code lines; a handler parses, calls one use case, responds", lib.display());
        checked += 1;
    }
    assert!(checked > 50);
}
