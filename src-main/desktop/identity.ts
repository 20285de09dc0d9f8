// Who the app is to the operating system. These must match electron-builder.yml (appId,
// extraMetadata.desktopName): Windows shows toasts only for the AppUserModelID of the installed
// shortcut, and Linux desktops match windows to the .desktop entry by its name.
// test/unit/desktop/packaging.test.ts checks both against the packaging config.

export const APP_ID = 'cn.jimucrm.desktop'
export const DESKTOP_NAME = 'jimu-crm.desktop'
