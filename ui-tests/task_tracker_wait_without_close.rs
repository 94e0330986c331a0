// `TaskTracker::wait` awaited on a tracker that is never closed first: it never returns.

use tokio_util::task::TaskTracker;

async fn job(n: u32) -> u32 {
    n * 2
}

#[tokio::main]
async fn main() {
    let tracker = TaskTracker::new();
    for n in 0..4 {
        tracker.spawn(job(n));
    }
    tracker.wait().await; //~ task_tracker_wait_without_close
}

async fn closed_too_late() {
    let tracker = TaskTracker::default();
    tracker.spawn(job(1));
    tracker.wait().await; //~ task_tracker_wait_without_close
    tracker.close();
}

// Correct: closed, then waited for.
async fn closed_first() {
    let tracker = TaskTracker::new();
    tracker.spawn(job(1));
    tracker.close();
    tracker.wait().await;
}

// Correct: a clone goes to a task that closes it at shutdown.
async fn closed_elsewhere() {
    let tracker = TaskTracker::new();
    let closer = tracker.clone();
    tokio::spawn(async move {
        tokio::signal::ctrl_c().await.unwrap();
        closer.close();
    });
    tracker.spawn(job(1));
    tracker.wait().await;
}

// Correct: a tracker handed in, which its owner may close.
async fn handed_in(tracker: &TaskTracker) {
    tracker.wait().await;
}
