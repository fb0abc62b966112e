//! Why src/mail/smtp.rs opens its own TCP stream: lettre 0.11's own
//! connection (Nagle on) beside ours (TCP_NODELAY), same messages, same server.
//!
//!     cargo bench --bench lettre_nagle -- PORT [COUNT]
//!
//! PORT is a local SMTP server such as postfix's smtp-sink; bench/smtp.sh runs this.

use std::time::{Duration, Instant};

use invitectl::config::{self, Flags};
use invitectl::mail::Transport;
use invitectl::mail::smtp::{Settings, SmtpTransport};
use lettre::Message;
use lettre::transport::smtp::client::SmtpConnection;
use lettre::transport::smtp::extension::ClientId;

fn message(i: usize) -> Message {
    Message::builder()
        .from("Acme IT <it@acme.example>".parse().unwrap())
        .to(format!("user{i}@acme.example").parse().unwrap())
        .subject("You're invited to join Acme Corp")
        .date_now()
        .body("x".repeat(3000))
        .unwrap()
}

fn per_message(elapsed: Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1000.0 / count as f64
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let port: u16 = args
        .first()
        .and_then(|p| p.parse().ok())
        .expect("usage: lettre_nagle PORT [COUNT]");
    let count: usize = args.get(1).and_then(|c| c.parse().ok()).unwrap_or(200);
    let messages: Vec<Message> = (0..count).map(message).collect();

    let mut stock = SmtpConnection::connect(
        ("127.0.0.1", port),
        Some(Duration::from_secs(10)),
        &ClientId::Domain("bench".into()),
        None,
        None,
    )
    .unwrap();
    let started = Instant::now();
    for m in &messages {
        stock.send(m.envelope(), &m.formatted()).unwrap();
    }
    let stock_time = started.elapsed();
    let _ = stock.quit();

    let env = |name: &str| match name {
        "INVITECTL_SMTP_HOST" => Some("127.0.0.1".to_string()),
        "INVITECTL_SMTP_PORT" => Some(port.to_string()),
        "INVITECTL_SMTP_SECURITY" => Some("none".to_string()),
        "INVITECTL_MAIL_FROM" => Some("it@acme.example".to_string()),
        _ => None,
    };
    let config = config::load(&Flags::default(), &env).unwrap();
    let mut ours =
        SmtpTransport::connect(Settings::from_config(&config, &env).unwrap(), &mut |_| {}).unwrap();
    let started = Instant::now();
    for m in &messages {
        ours.send(m).unwrap();
    }
    let ours_time = started.elapsed();

    println!("messages over one connection:     {count} of 3 KB");
    println!(
        "lettre 0.11 SmtpConnection:       {:.2} ms/message",
        per_message(stock_time, count)
    );
    println!(
        "invitectl (TCP_NODELAY):          {:.3} ms/message",
        per_message(ours_time, count)
    );
    println!(
        "speed-up:                         {:.0}x",
        stock_time.as_secs_f64() / ours_time.as_secs_f64()
    );
}
