package main

import (
	"context"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/dealdesk/dealdesk/adapters/dadata"
	"github.com/dealdesk/dealdesk/adapters/fnsapi"
	"github.com/dealdesk/dealdesk/adapters/spark"
	"github.com/dealdesk/dealdesk/core"
)

// registries builds the configured registry adapters, most trusted first:
// SPARK, then api-fns, then DaData. None configured: requisites are checked
// by their checksums only, and DealDesk says so.
func (m *Main) registries() []core.Registry {
	var rs []core.Registry
	c := m.Config
	if c.SparkLogin != "" && c.SparkPassword != "" {
		rs = append(rs, spark.New(spark.Config{URL: c.SparkURL, Login: c.SparkLogin, Password: c.SparkPassword},
			m.Log.With().Str("component", "spark").Logger()))
	}
	if c.FNSAPIKey != "" {
		rs = append(rs, fnsapi.New(fnsapi.Config{BaseURL: c.FNSAPIURL, APIKey: c.FNSAPIKey},
			m.Log.With().Str("component", "fnsapi").Logger()))
	}
	if c.DaDataKey != "" {
		rs = append(rs, dadata.New(dadata.Config{BaseURL: c.DaDataURL, APIKey: c.DaDataKey},
			m.Log.With().Str("component", "dadata").Logger()))
	}
	return rs
}

// scheduleRecheck adds the registry drift watch to the scheduler: every
// hour it re-checks a batch of clients whose last check is older than
// DEALDESK_REGISTRY_RECHECK, one registry call per DEALDESK_REGISTRY_PAUSE.
func (m *Main) scheduleRecheck(s gocron.Scheduler) error {
	every := m.Config.RegistryRecheck
	if every <= 0 || len(m.Service.Registries()) == 0 {
		return nil
	}
	_, err := s.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(func() {
		n, err := m.Service.RecheckClients(context.Background(), time.Now(), every, 200, m.Config.RegistryPause)
		if err != nil {
			m.Log.Error().Err(err).Msg("registry recheck")
			return
		}
		m.Log.Info().Int("clients", n).Msg("registry recheck")
	}), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	return err
}
