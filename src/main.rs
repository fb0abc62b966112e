use std::io::IsTerminal;

fn main() -> std::process::ExitCode {
    let cli = invitectl::cli::args::Cli::from_command_line();
    match invitectl::run(cli) {
        Ok(()) | Err(invitectl::Error::OutputClosed) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            let prefix =
                if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                    "\x1b[1;31merror:\x1b[0m"
                } else {
                    "error:"
                };
            // Messages quote what users typed or files held: never raw escapes.
            let message = invitectl::cli::output::lines_for_terminal(&error.to_string());
            eprintln!("{prefix} {message}");
            std::process::ExitCode::from(error.exit_code() as u8)
        }
    }
}
