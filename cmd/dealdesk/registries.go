package main

import (
	"context"
	"time"

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
	if m.Metrics != nil {
		for i, r := range rs {
			rs[i] = m.Metrics.Registry(r)
		}
	}
	return rs
}

// recheckEvery is how often the registry drift watch runs: hourly, or
// never when DEALDESK_REGISTRY_RECHECK is off or no registry is configured.
func (m *Main) recheckEvery() time.Duration {
	if m.Config.RegistryRecheck <= 0 || len(m.Service.Registries()) == 0 {
		return 0
	}
	return time.Hour
}

// recheckClients is the registry drift watch: it re-checks a batch of
// clients whose last check is older than DEALDESK_REGISTRY_RECHECK, one
// registry call per DEALDESK_REGISTRY_PAUSE.
func (m *Main) recheckClients(ctx context.Context, now time.Time) (int, error) {
	return m.Service.RecheckClients(ctx, now, m.Config.RegistryRecheck, recheckBatch, m.Config.RegistryPause)
}

// recheckBatch is how many clients one run of the drift watch re-checks.
const recheckBatch = 200
