/** Every data-testid in one place, shared by components and browser tests. */
export const testIds = {
  statusBar: 'status-bar',
  statusVersion: 'status-version',
  statusBackend: 'status-backend',
  statusDataDir: 'status-data-dir',
  statusHeartbeat: 'status-heartbeat',
  statusError: 'status-error',
  screenplayEditor: 'screenplay-editor',
  sceneNavigator: 'scene-navigator',
  sceneNavigatorItem: 'scene-navigator-item',
  scriptStats: 'script-stats',
} as const;
