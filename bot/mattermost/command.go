package mattermost

import (
	"context"
	"errors"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
)

// registerCommands makes sure the /crm command exists in the bot's teams
// (or the configured one) and points at DealDesk, and remembers the tokens
// the server will send with it.
func (t *Transport) registerCommands(ctx context.Context) error {
	var teams []*model.Team
	if t.cfg.Team != "" {
		team, _, err := t.client.GetTeamByName(ctx, t.cfg.Team, "")
		if err != nil {
			return fmt.Errorf("team %q: %w", t.cfg.Team, t.scrub(err))
		}
		teams = append(teams, team)
	} else {
		var err error
		if teams, _, err = t.client.GetTeamsForUser(ctx, t.BotUserID(), ""); err != nil {
			return fmt.Errorf("teams: %w", t.scrub(err))
		}
	}
	var errs []error
	for _, team := range teams {
		if err := t.registerCommand(ctx, team); err != nil {
			errs = append(errs, fmt.Errorf("team %s: %w", team.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (t *Transport) registerCommand(ctx context.Context, team *model.Team) error {
	url := t.cfg.PublicURL + CommandPath
	want := &model.Command{TeamId: team.Id, Trigger: t.cfg.CommandTrigger, Method: model.CommandMethodPost,
		URL: url, DisplayName: "DealDesk", AutoComplete: true, AutoCompleteDesc: t.cfg.CommandDescription,
		AutoCompleteHint: t.cfg.CommandHint}
	cmds, _, err := t.client.ListCommands(ctx, team.Id, true)
	if err != nil {
		return t.scrub(err)
	}
	var cmd *model.Command
	for _, c := range cmds {
		if c.Trigger == t.cfg.CommandTrigger && c.DeleteAt == 0 {
			cmd = c
		}
	}
	switch {
	case cmd == nil:
		cmd, _, err = t.client.CreateCommand(ctx, want)
	case cmd.URL != url || cmd.Method != model.CommandMethodPost || cmd.AutoCompleteDesc != want.AutoCompleteDesc:
		cmd.URL, cmd.Method, cmd.AutoComplete = url, model.CommandMethodPost, true
		cmd.AutoCompleteDesc, cmd.AutoCompleteHint = want.AutoCompleteDesc, want.AutoCompleteHint
		cmd, _, err = t.client.UpdateCommand(ctx, cmd)
	}
	if err != nil {
		return t.scrub(err)
	}
	t.mu.Lock()
	t.commandTokens[cmd.Token] = true
	t.mu.Unlock()
	t.log.Info().Str("team", team.Name).Str("trigger", cmd.Trigger).Msg("slash command registered")
	return nil
}
