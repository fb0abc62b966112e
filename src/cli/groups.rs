//! `teams` and `departments`: add, list, remove.

use super::*;

pub(super) fn group_command(context: &Context, group: Group, command: GroupCommand) -> Result<()> {
    let mut conn = match command {
        GroupCommand::List { .. } => context.read()?,
        _ => context.open()?,
    };
    match command {
        GroupCommand::Add { name } => {
            match directory::add(&mut conn, group, &name, &actor(), now())? {
                (name, Change::Done) => context.note(&format!("added {} \"{name}\"", group.noun())),
                (name, Change::AlreadySo) => context.note(&format!(
                    "the {} \"{name}\" already exists; nothing changed",
                    group.noun()
                )),
            }
            Ok(())
        }
        GroupCommand::List { format } => {
            let rows = directory::list(&conn, group)?;
            if rows.is_empty() && format.format == Format::Table {
                context.note(&format!(
                    "no {}s yet; add one with `invitectl {}s add NAME`",
                    group.noun(),
                    group.noun()
                ));
                return Ok(());
            }
            context.print(format.view(), &rows)
        }
        GroupCommand::Remove { name, yes } => {
            directory::removable(&conn, group, &name)?;
            confirm(
                yes.yes,
                &format!("{}s remove", group.noun()),
                &format!("Remove the {} \"{}\"?", group.noun(), name.trim()),
            )?;
            directory::remove(&mut conn, group, &name, &actor(), now())?;
            context.note(&format!("removed {} \"{}\"", group.noun(), name.trim()));
            Ok(())
        }
    }
}
