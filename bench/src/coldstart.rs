//! One function process under the Runtime API emulator: init (spawn to first poll), the first
//! invocation, warm invocations, peak RSS; and instruction counts under callgrind.

use crate::emulator::Emulator;
use crate::stats::{median, ms, Latency};
use serde::Serialize;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// How to start one function.
#[derive(Debug, Clone)]
pub struct Subject {
    pub name: String,
    pub program: String,
    pub args: Vec<String>,
    pub cwd: Option<String>,
    pub env: Vec<(String, String)>,
    pub event: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ColdStart {
    pub name: String,
    /// Median over the cold starts: process start to the first `next` poll.
    pub init_ms: f64,
    pub init_runs_ms: Vec<f64>,
    /// Median init of the floor, started just before each of this function's cold starts (so
    /// both meet the machine in the same state), and this function's init divided by it.
    pub floor_in_turns_ms: Option<f64>,
    pub init_ratio_to_floor: Option<f64>,
    /// Median first invocation (opens the DynamoDB connection).
    pub first_invocation_ms: f64,
    pub warm: Latency,
    /// Of the warm invocations, what the function's own log lines say: the time it waited for
    /// DynamoDB (`store_ms`) and the rest, its own work (`duration_ms - store_ms`), at p50.
    pub warm_store_p50_ms: Option<f64>,
    pub warm_own_p50_ms: Option<f64>,
    /// Of the warm invocations, each DynamoDB operation's time per request (`store_ops`), at p50
    /// over the requests that made it, and how many of them it made per request.
    pub warm_store_ops: Vec<OperationTime>,
    pub peak_rss_mib: f64,
    /// The status code of the first answer (proves the invocation did real work).
    pub first_status: Option<u64>,
    pub error: Option<String>,
}

/// One DynamoDB operation's share of a function's warm invocations.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OperationTime {
    pub operation: String,
    /// Attempts of it per warm request, on average.
    pub per_request: f64,
    /// Its time in one request (all its attempts), median over the requests that made it.
    pub p50_ms: f64,
}

/// Each operation's time per request over a function's warm request log lines, in the order the
/// operations were first made.
fn operation_times(lines: &[LogLine]) -> Vec<OperationTime> {
    let mut order: Vec<String> = Vec::new();
    let mut per_operation: std::collections::HashMap<String, (usize, Vec<Duration>)> = Default::default();
    for line in lines {
        let mut in_request: Vec<(String, f64)> = Vec::new();
        for (operation, millis) in &line.attempts {
            if !order.contains(operation) {
                order.push(operation.clone());
            }
            match in_request.iter_mut().find(|(name, _)| name == operation) {
                Some((_, total)) => *total += millis,
                None => in_request.push((operation.clone(), *millis)),
            }
            per_operation.entry(operation.clone()).or_default().0 += 1;
        }
        for (operation, millis) in in_request {
            per_operation.entry(operation).or_default().1.push(Duration::from_secs_f64(millis / 1000.0));
        }
    }
    order
        .into_iter()
        .map(|operation| {
            let (attempts, times) = per_operation.remove(&operation).unwrap_or_default();
            OperationTime {
                per_request: (attempts as f64 / lines.len().max(1) as f64 * 100.0).round() / 100.0,
                p50_ms: Latency::of(&times).p50_ms,
                operation,
            }
        })
        .collect()
}

fn spawn(subject: &Subject, runtime_api: &str, wrapper: &[String]) -> std::io::Result<Child> {
    spawn_logging(subject, runtime_api, wrapper, false)
}

/// `spawn`, with the function's log lines (stdout) piped to the caller when `logs` is set.
fn spawn_logging(subject: &Subject, runtime_api: &str, wrapper: &[String], logs: bool) -> std::io::Result<Child> {
    let (program, mut args) = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut args: Vec<String> = rest.to_vec();
            args.push(subject.program.clone());
            (first.clone(), args)
        }
        None => (subject.program.clone(), Vec::new()),
    };
    args.extend(subject.args.iter().cloned());
    let mut command = Command::new(program);
    // Only what Lambda sets, not this shell's environment (which may name trust stores, proxies,
    // AWS profiles).
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into()))
        .env("LANG", "en_US.UTF-8")
        .env("TZ", ":UTC")
        .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", &subject.name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("LAMBDA_TASK_ROOT", subject.cwd.clone().unwrap_or_else(|| ".".into()))
        .envs(subject.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(if logs { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::null())
        .kill_on_drop(true);
    if let Some(cwd) = &subject.cwd {
        command.current_dir(cwd);
    }
    command.spawn()
}

fn peak_rss_mib(pid: Option<u32>) -> f64 {
    let Some(pid) = pid else { return 0.0 };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0);
    (kib / 1024.0 * 10.0).round() / 10.0
}

fn status_of(body: &str) -> Option<u64> {
    serde_json::from_str::<serde_json::Value>(body).ok()?.get("statusCode")?.as_u64()
}

/// One fresh process of `subject` up to its first poll; then it is stopped.
async fn init_only(subject: &Subject) -> Result<Duration, String> {
    let emulator = Emulator::start().await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut child = spawn(subject, &emulator.address.to_string(), &[])
        .map_err(|e| format!("cannot start {}: {e}", subject.program))?;
    let ready = emulator.wait_for_init(Duration::from_secs(30)).await;
    let _ = child.kill().await;
    let _ = child.wait().await;
    ready.map(|at| at.duration_since(started)).ok_or_else(|| format!("{}: no first poll within 30 s", subject.name))
}

/// `cold_runs` fresh processes for init and first invocation, each right after a fresh `floor`
/// (when given), then `warm` invocations in the last.
pub async fn measure(subject: &Subject, floor: Option<&Subject>, cold_runs: usize, warm: usize) -> ColdStart {
    let mut result = ColdStart { name: subject.name.clone(), ..ColdStart::default() };
    let mut inits = Vec::new();
    let mut floor_inits = Vec::new();
    let mut firsts = Vec::new();
    for run in 0..cold_runs {
        if let Some(floor) = floor {
            match init_only(floor).await {
                Ok(init) => floor_inits.push(init),
                Err(error) => {
                    result.error = Some(error);
                    return result;
                }
            }
        }
        let emulator = match Emulator::start().await {
            Ok(emulator) => emulator,
            Err(error) => {
                result.error = Some(error.to_string());
                return result;
            }
        };
        let started = Instant::now();
        let last = run + 1 == cold_runs;
        let mut child = match spawn_logging(subject, &emulator.address.to_string(), &[], last) {
            Ok(child) => child,
            Err(error) => {
                result.error = Some(format!("cannot start {}: {error}", subject.program));
                return result;
            }
        };
        let Some(ready) = emulator.wait_for_init(Duration::from_secs(30)).await else {
            result.error = Some("no first poll within 30 s".into());
            let _ = child.kill().await;
            return result;
        };
        inits.push(ready.duration_since(started));
        match emulator.invoke(subject.event.clone()).await {
            Ok((completion, took)) => {
                firsts.push(took);
                if run == 0 {
                    result.first_status = status_of(&completion.body);
                }
                if completion.error {
                    result.error = Some(format!("the function answered an error: {}", completion.body));
                }
            }
            Err(error) => {
                result.error = Some(error);
                let _ = child.kill().await;
                return result;
            }
        }
        // The last process's log lines, read while it serves its warm invocations.
        let log_lines = child.stdout.take().map(|stdout| tokio::spawn(read_log_lines(stdout)));
        if last {
            let mut samples = Vec::with_capacity(warm);
            for _ in 0..warm {
                match emulator.invoke(subject.event.clone()).await {
                    Ok((_, took)) => samples.push(took),
                    Err(error) => {
                        result.error = Some(error);
                        break;
                    }
                }
            }
            result.warm = Latency::of(&samples);
            result.peak_rss_mib = peak_rss_mib(child.id());
        }
        let _ = child.kill().await;
        let _ = child.wait().await;
        if let Some(reader) = log_lines {
            let lines = reader.await.unwrap_or_default();
            // The cold start's own line and the first invocation's are not warm ones.
            let warm_lines: Vec<LogLine> = lines.into_iter().skip(1).collect();
            let store: Vec<Duration> =
                warm_lines.iter().map(|line| Duration::from_secs_f64(line.store_ms / 1000.0)).collect();
            let own: Vec<Duration> = warm_lines
                .iter()
                .map(|line| Duration::from_secs_f64((line.duration_ms - line.store_ms).max(0.0) / 1000.0))
                .collect();
            if !warm_lines.is_empty() {
                result.warm_store_p50_ms = Some(Latency::of(&store).p50_ms);
                result.warm_own_p50_ms = Some(Latency::of(&own).p50_ms);
                result.warm_store_ops = operation_times(&warm_lines);
            }
        }
    }
    result.init_runs_ms = inits.iter().map(|d| ms(*d)).collect();
    result.init_ms = ms(median(&inits));
    if !floor_inits.is_empty() {
        let floor_ms = ms(median(&floor_inits));
        result.floor_in_turns_ms = Some(floor_ms);
        result.init_ratio_to_floor = (floor_ms > 0.0).then(|| (result.init_ms / floor_ms * 100.0).round() / 100.0);
    }
    result.first_invocation_ms = ms(median(&firsts));
    result
}

/// What the bench reads from a request's log line.
struct LogLine {
    duration_ms: f64,
    store_ms: f64,
    /// (operation, milliseconds) of each DynamoDB attempt, in order.
    attempts: Vec<(String, f64)>,
}

/// Every request log line a function wrote.
async fn read_log_lines(stdout: tokio::process::ChildStdout) -> Vec<LogLine> {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut found = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        let fields = &value["fields"];
        if let (Some(duration_ms), Some(store_ms)) = (fields["duration_ms"].as_f64(), fields["store_ms"].as_f64()) {
            let attempts = orders_shared::adapters::store_time::StoreTime::parse_attempts_field(
                fields["store_ops"].as_str().unwrap_or_default(),
            );
            found.push(LogLine { duration_ms, store_ms, attempts });
        }
    }
    found
}

/// Warm invocations of a function and the same DynamoDB read made directly, measured in turns.
#[derive(Debug, Clone, Serialize, Default)]
pub struct WarmOverhead {
    pub name: String,
    pub function: Latency,
    pub direct: Latency,
    /// Function minus direct, at p50 and p99.
    pub overhead_p50_ms: f64,
    pub overhead_p99_ms: f64,
}

/// `pairs` warm invocations alternating with `direct` (the same read from this process), after
/// `pairs / 5` unmeasured pairs, so both see DynamoDB Local (its JIT and GC) at the same moments.
pub async fn interleaved<F, Fut>(subject: &Subject, pairs: usize, mut direct: F) -> Result<WarmOverhead, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Duration, String>>,
{
    let emulator = Emulator::start().await.map_err(|e| e.to_string())?;
    let mut child = spawn(subject, &emulator.address.to_string(), &[])
        .map_err(|e| format!("cannot start {}: {e}", subject.program))?;
    let outcome = async {
        emulator.wait_for_init(Duration::from_secs(30)).await.ok_or("no first poll within 30 s")?;
        let mut function = Vec::with_capacity(pairs);
        let mut reads = Vec::with_capacity(pairs);
        for turn in 0..pairs + pairs / 5 {
            let (completion, took) = emulator.invoke(subject.event.clone()).await?;
            if completion.error {
                return Err(format!("the function answered an error: {}", completion.body));
            }
            let read = direct().await?;
            if turn >= pairs / 5 {
                function.push(took);
                reads.push(read);
            }
        }
        Ok::<_, String>((Latency::of(&function), Latency::of(&reads)))
    }
    .await;
    let _ = child.kill().await;
    let _ = child.wait().await;
    let (function, direct) = outcome?;
    Ok(WarmOverhead {
        name: subject.name.clone(),
        overhead_p50_ms: function.p50_ms - direct.p50_ms,
        overhead_p99_ms: function.p99_ms - direct.p99_ms,
        function,
        direct,
    })
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Instructions {
    pub name: String,
    /// Instructions of start, init and exit (no invocation).
    pub init: u64,
    /// Instructions of one warm invocation: (11 invocations − 1 invocation) / 10.
    pub warm_invocation: Option<u64>,
    pub error: Option<String>,
}

/// Runs the subject under callgrind with `invocations` events, then lets it exit; total Ir.
async fn callgrind_total(subject: &Subject, invocations: usize, out: &Path) -> Result<u64, String> {
    let mut emulator = Emulator::start().await.map_err(|e| e.to_string())?;
    let waits: Vec<_> = (0..invocations).map(|_| emulator.enqueue(subject.event.clone())).collect();
    emulator.close();
    let wrapper =
        vec!["valgrind".to_string(), "--tool=callgrind".to_string(), format!("--callgrind-out-file={}", out.display())];
    let mut child = spawn(subject, &emulator.address.to_string(), &wrapper).map_err(|e| format!("valgrind: {e}"))?;
    let status = tokio::time::timeout(Duration::from_secs(600), child.wait())
        .await
        .map_err(|_| "callgrind run took over 600 s".to_string())?
        .map_err(|e| e.to_string())?;
    for wait in waits {
        if wait.await.is_err() {
            return Err(format!("an invocation was not answered under callgrind (exit {status})"));
        }
    }
    let text = std::fs::read_to_string(out).map_err(|e| format!("no callgrind output: {e}"))?;
    text.lines()
        .find_map(|line| line.strip_prefix("summary: ").or_else(|| line.strip_prefix("totals: ")))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| "no totals in the callgrind output".to_string())
}

pub async fn instructions(subject: &Subject, scratch: &Path, with_invocations: bool) -> Instructions {
    let mut result = Instructions { name: subject.name.clone(), ..Instructions::default() };
    let file = |n: usize| scratch.join(format!("callgrind.{}.{n}", subject.name));
    match callgrind_total(subject, 0, &file(0)).await {
        Ok(total) => result.init = total,
        Err(error) => {
            result.error = Some(error);
            return result;
        }
    }
    if with_invocations {
        let one = callgrind_total(subject, 1, &file(1)).await;
        let eleven = callgrind_total(subject, 11, &file(11)).await;
        match (one, eleven) {
            (Ok(one), Ok(eleven)) => result.warm_invocation = Some(eleven.saturating_sub(one) / 10),
            (Err(error), _) | (_, Err(error)) => result.error = Some(error),
        }
    }
    result
}
