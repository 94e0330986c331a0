//! The language server's benchmark: how long the first diagnostics of a workspace take, how
//! long from a `didChange` to the `publishDiagnostics` of that version, and the server's peak
//! memory. It drives the binary over stdio as an editor does. `bench/run.sh --lsp` runs it on
//! the corpus; by hand:
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example lsp-bench -- --bin target/release/cargo-appstract-lint \
//!     --root WORKSPACE --file tokio/src/sync/mutex.rs --edits 200 [-- SERVER FLAGS]
//! ```
//!
//! Each edit appends a comment line to the file's buffer (an incremental change) and waits for
//! the diagnostics of that version before the next edit, after `--pause-ms` (default 100):
//! edits are timed one by one, each with the server's debounce in it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

struct Options {
    bin: PathBuf,
    root: PathBuf,
    files: Vec<PathBuf>,
    edits: usize,
    pause: Duration,
    server_args: Vec<String>,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        bin: PathBuf::from("target/release/cargo-appstract-lint"),
        root: PathBuf::new(),
        files: Vec::new(),
        edits: 100,
        pause: Duration::from_millis(100),
        server_args: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match arg.as_str() {
            "--bin" => options.bin = PathBuf::from(value()),
            "--root" => options.root = PathBuf::from(value()),
            "--file" => options.files.push(PathBuf::from(value())),
            "--edits" => options.edits = value().parse().expect("a number of edits"),
            "--pause-ms" => {
                options.pause = Duration::from_millis(value().parse().expect("milliseconds"))
            }
            "--" => {
                options.server_args = args.by_ref().collect();
                break;
            }
            other => panic!("unknown argument `{other}`"),
        }
    }
    assert!(!options.files.is_empty(), "give --root and --file");
    options.root = options.root.canonicalize().expect("the workspace root");
    options.bin = options.bin.canonicalize().expect("the server binary");
    options
}

struct Server {
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    next_id: i64,
}

impl Server {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The first message `wanted` accepts, and when it was read.
    fn wait(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Instant {
        loop {
            let (at, message) = self
                .messages
                .recv_timeout(Duration::from_secs(300))
                .unwrap_or_else(|_| panic!("no {what} from the server in 5 minutes"));
            if wanted(&message) {
                return at;
            }
        }
    }
}

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let options = options();
    let started = Instant::now();
    let mut child = Command::new(&options.bin)
        .arg("--lsp")
        .args(&options.server_args)
        .current_dir(&options.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let (sender, messages) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(value) = line.strip_prefix("Content-Length: ") {
                    length = value.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let message: Value = serde_json::from_slice(&body).unwrap();
            if sender.send((Instant::now(), message)).is_err() {
                return;
            }
        }
    });
    // Each message is timed when it is read, not when the bench looks at it.
    let mut server = Server {
        stdin: child.stdin.take().unwrap(),
        messages,
        next_id: 0,
    };

    let id = server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(&options.root), "capabilities": {} }),
    );
    server.wait("answer to `initialize`", |message| message["id"] == id);
    server.notify("initialized", json!({}));
    // The server logs `linted` once the first diagnostics are all sent.
    let first = server.wait("first diagnostics", |message| {
        message["method"] == "window/logMessage"
            && message["params"]["message"]
                .as_str()
                .is_some_and(|text| text.starts_with("linted"))
    }) - started;
    println!(
        "first diagnostics: {:.2} s (from the server's start; peak {:.0} MiB so far)",
        first.as_secs_f64(),
        peak_rss_mib(pid)
    );

    for file in &options.files {
        let path = options.root.join(file);
        let file_uri = uri(&path);
        let mut text = std::fs::read_to_string(&path).expect("the file to edit");
        let opened = Instant::now();
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": file_uri, "languageId": "rust", "version": 1, "text": text } }),
        );
        let is_version = |version: i64| {
            let file_uri = file_uri.clone();
            move |message: &Value| {
                message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == file_uri.as_str()
                    && message["params"]["version"] == version
            }
        };
        // A file no crate reaches (a module declared inside a macro) gets no diagnostics.
        server.wait("diagnostics of the opened file", is_version(1));
        println!(
            "{}: opened and its crates held in memory in {:.2} s",
            file.display(),
            opened.elapsed().as_secs_f64()
        );
        let mut latencies = Vec::with_capacity(options.edits);
        for edit in 0..options.edits {
            std::thread::sleep(options.pause);
            let version = edit as i64 + 2;
            let line = text.lines().count();
            let inserted = format!("// bench edit {edit}\n");
            let change = json!({
                "range": {
                    "start": { "line": line, "character": 0 },
                    "end": { "line": line, "character": 0 },
                },
                "text": inserted,
            });
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&inserted);
            let sent = Instant::now();
            server.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": file_uri, "version": version }, "contentChanges": [change] }),
            );
            let received = server.wait("diagnostics of the edit", is_version(version));
            latencies.push(received.saturating_duration_since(sent).as_secs_f64() * 1000.0);
        }
        latencies.sort_by(f64::total_cmp);
        println!(
            "{}: didChange -> publishDiagnostics over {} edits: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            file.display(),
            latencies.len(),
            percentile(&latencies, 50.0),
            percentile(&latencies, 95.0),
            latencies.last().copied().unwrap_or(0.0),
        );
        server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": file_uri } }),
        );
    }
    println!("server peak memory: {:.0} MiB", peak_rss_mib(pid));
    let id = server.request("shutdown", Value::Null);
    server.wait("answer to `shutdown`", |message| message["id"] == id);
    server.notify("exit", Value::Null);
    let status = child.wait().expect("the server exits");
    println!("server exit status: {}", status.code().unwrap_or(-1));
}
